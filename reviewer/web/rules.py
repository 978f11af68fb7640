"""A rule's page: its catalog entry from the registry, plus a longer explanation when the
project has one (``reviewer.checks.explain``, looked up by rule id; absent → catalog only)."""

from __future__ import annotations

import importlib

from reviewer.render.anchors import CATEGORY_ZH, SEVERITY_ZH


def _explanation(rule_id: str):
    try:
        mod = importlib.import_module("reviewer.checks.explain")
    except ImportError:
        return None
    fn = getattr(mod, "explain", None)
    if fn is None:
        return None
    try:
        found = fn(rule_id)
    except (KeyError, LookupError, ValueError):
        return None
    if found is None:
        return None
    if isinstance(found, str):
        return [("说明", found)]
    if isinstance(found, dict):
        return [(str(k), str(v)) for k, v in found.items() if v]
    if hasattr(found, "__dict__"):
        return [(str(k), str(v)) for k, v in vars(found).items() if v and not str(k).startswith("_")]
    return [("说明", str(found))]


def rule_entry(rule_id: str) -> dict | None:
    from reviewer.checks import RULES

    rule = RULES.get(rule_id)
    if rule is None:
        return None
    return {"id": rule.id, "category": rule.category, "category_zh": CATEGORY_ZH.get(rule.category, rule.category),
            "severity": rule.severity, "severity_zh": SEVERITY_ZH.get(rule.severity, rule.severity),
            "title": rule.title, "explanation": _explanation(rule_id)}
