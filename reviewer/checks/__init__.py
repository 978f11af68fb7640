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
    return sorted(findings, key=lambda f: (SEVERITY_ORDER[f.severity], _position(f)))


__all__ = ["RULES", "run_checks", "sort_findings"]
