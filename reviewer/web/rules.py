"""A rule's page: rendered from its declaration (reviewer/checks/declarations.py), the same entry
`reviewer rule ID` prints."""

from __future__ import annotations

from reviewer.render.anchors import CATEGORY_ZH, SEVERITY_ZH


def rule_entry(rule_id: str) -> dict | None:
    from reviewer.checks import RULES
    from reviewer.checks.declarations import describe

    rule = RULES.get(rule_id)
    if rule is None:
        return None
    entry = describe(rule)
    return {**entry, "category_zh": CATEGORY_ZH.get(rule.category, rule.category),
            "severity_zh": "／".join(SEVERITY_ZH.get(s, s) for s in rule.severities),
            "explanation": entry["sections"]}
