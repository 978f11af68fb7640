"""A rule's page: its catalog entry from the registry and its explanation (reviewer/checks/docs/*.toml,
the same text `reviewer rule ID` prints)."""

from __future__ import annotations

from reviewer.render.anchors import CATEGORY_ZH, SEVERITY_ZH


def _explanation(rule_id: str) -> list[tuple[str, str]] | None:
    from reviewer.checks.rule_docs import FIELDS, LABELS, load_docs

    doc = load_docs().get(rule_id)
    if doc is None:
        return None
    return [(LABELS[f], doc[f]) for f in FIELDS if doc.get(f)]


def rule_entry(rule_id: str) -> dict | None:
    from reviewer.checks import RULES

    rule = RULES.get(rule_id)
    if rule is None:
        return None
    return {"id": rule.id, "category": rule.category, "category_zh": CATEGORY_ZH.get(rule.category, rule.category),
            "severity": rule.severity, "severity_zh": SEVERITY_ZH.get(rule.severity, rule.severity),
            "title": rule.title, "explanation": _explanation(rule_id)}
