"""All rules. Importing this package registers every check in ``registry.RULES``."""

from __future__ import annotations

from reviewer.checks import (  # noqa: F401  (registration)
    arithmetic, cells, crossref, crossreport_rules, llm_rules, period, prose_statements, structure,
)
from reviewer.checks import hygiene, plausibility, section_content, title  # noqa: F401,E402  (registration)
from reviewer.checks.registry import CHECKS, RULES, context
from reviewer.document import Document
from reviewer.extract.facts import ReportFacts
from reviewer.findings import SEVERITY_ORDER, Finding

_SECTION_ORDER = {k: i for i, k in enumerate("一二三四五六")}


def run_checks(facts: ReportFacts, doc: Document) -> list[Finding]:
    ctx = context(facts, doc)
    findings = [f for fn in CHECKS for f in fn(ctx)]
    return sort_findings(findings)


def _position(f: Finding) -> int:
    spans = [loc.span[0] for loc in f.locations if loc.span]
    return min(spans) if spans else -1


def sort_findings(findings: list[Finding]) -> list[Finding]:
    """By severity, then place; a finding derived from a root cause right after its root."""
    by_id = {f.id: f for f in findings}

    def key(f: Finding):
        root = by_id.get(f.derived_from) if f.derived_from else None
        anchor = root or f
        return (SEVERITY_ORDER[anchor.severity], _position(anchor), anchor.id if root else "", root is not None,
                _position(f))

    return sorted(findings, key=key)


__all__ = ["RULES", "run_checks", "sort_findings"]
