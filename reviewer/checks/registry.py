"""The rule registry: the check functions and the rules each may emit.

A check is a function ``(ctx) -> Iterable[Finding]`` registered with the rules it
may emit; what a rule is (category, severities, messages, explanation, examples)
is its declaration in reviewer/checks/docs/<category>.toml (see declarations.py).
``reviewer rules`` prints this registry; the ids are the stable public names of the findings.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field
from typing import Callable, Iterable

from reviewer.document import Document
from reviewer.extract.facts import ReportFacts
from reviewer.findings import Finding, Location, Severity
from reviewer.formats import FORMATS, ReportFormat


from reviewer.checks.declarations import Rule, declared  # noqa: E402,F401  (re-exported)

log = logging.getLogger(__name__)


@dataclass
class Context:
    facts: ReportFacts
    doc: Document
    fmt: ReportFormat  # the format the report must follow (by its year)
    layout: ReportFormat  # the layout its tables are in
    extra: dict = field(default_factory=dict)


# The severity policy every rule follows (docs/rules.md); `reviewer rules` and `reviewer rule ID` print it.
SEVERITY_POLICY = ("级别：错误＝草稿无论怎样理解都不成立，必须修改；警告＝很可能有误，请核实；提示＝写法或格式建议。"
                   "详见 docs/rules.md。")

CheckFn = Callable[[Context], Iterable[Finding]]
RULES: dict[str, Rule] = {}
CHECKS: list[CheckFn] = []


def declare(*rules: Rule) -> None:
    """Register rule ids emitted outside the check functions (e.g. by the LLM review)."""
    for r in rules:
        if r.id in RULES and RULES[r.id] != r:
            raise ValueError(f"rule {r.id} declared twice")
        RULES[r.id] = r


def check(*rules: Rule) -> Callable[[CheckFn], CheckFn]:
    def wrap(fn: CheckFn) -> CheckFn:
        declare(*rules)
        CHECKS.append(fn)
        return fn

    return wrap


def finding(rule_id: str, message: str, locations: list[Location] | None = None, *,
            suggestion: str | None = None, expected: str | None = None, actual: str | None = None,
            evidence: list[str] | None = None, severity: Severity | None = None, origin: str = "rule",
            group: str | None = None) -> Finding:
    rule = RULES[rule_id]
    if severity is not None and severity not in rule.severities:
        undeclared_severity(rule, severity)
    return Finding(rule_id=rule_id, category=rule.category, severity=severity or rule.severity, origin=origin,
                   message=message, locations=locations or [], suggestion=suggestion, expected=expected,
                   actual=actual, evidence=evidence or [], group=group)


def undeclared_severity(rule: Rule, severity: str) -> None:
    """A rule emitting a severity its declaration does not name is a defect: loud under test
    (REVIEWER_STRICT_RULES=1, set by tests/conftest.py), logged in service."""
    text = f"rule {rule.id} emits {severity!r}, declared {rule.severities}"
    if os.environ.get("REVIEWER_STRICT_RULES") == "1":
        raise ValueError(text)
    log.error(text)


def context(facts: ReportFacts, doc: Document) -> Context:
    return Context(facts=facts, doc=doc, fmt=FORMATS[facts.format_id],
                   layout=FORMATS.get(facts.template or facts.format_id, FORMATS[facts.format_id]))


def fmt_num(v: float | None) -> str:
    if v is None:
        return "空"
    return str(int(v)) if float(v).is_integer() else f"{v:g}"
