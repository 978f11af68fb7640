"""Every rule's declared examples (reviewer/checks/docs/*.toml, ``[[“id”.examples]]``) run here: no
hand-kept list. An example edits a generated consistent report (tests/reportgen.py), reviews it
through the real pipeline and checks that the rule fires — with a declared severity and a message
matching one of its declared templates — or stays silent. A silent example also names what it is
silent about (``reads``): those cells, claims or sections must have been read, so a silent example
cannot pass because extraction broke."""

from __future__ import annotations

import pytest

import re

from rulehelpers import applications_spec, crawled, render, to_txt_2019
from reportgen import consistent_spec, to_docx

from reviewer.checks import RULES
from reviewer.checks.declarations import load_declarations
from reviewer.ingest import read_bytes
from reviewer.pipeline import ReviewOptions, review_with_facts

EXAMPLES = [(rule.id, i) for rule in RULES.values() for i, _ in enumerate(rule.examples)]


def _set_cell(spec, path: str, value) -> tuple[str, str, str] | None:
    """Put ``value`` in the generated report's cell at the format path; a text value is planted literally."""
    table, row, col = path.split("/")
    key = ("table2" if table.startswith("table2") else table, row, col)
    if isinstance(value, str):
        return key
    if key[0] == "table4":
        spec.table4[col] = value
    else:
        getattr(spec, key[0])[row][col] = value
    return None


def _draft(ex: dict) -> tuple[bytes, str]:
    if "applications" in ex:  # a report whose table 三 holds exactly these results ("row/column" → n)
        spec = applications_spec({tuple(k.split("/")): n for k, n in ex["applications"].items()}, year=ex.get("year", 2023))
        spec.agency = ex.get("agency", spec.agency)
    else:
        spec = consistent_spec(agency=ex.get("agency", "乌海市示例局"), year=ex.get("year", 2023), seed=ex.get("seed", 9))
    if "title" in ex:
        spec.title = ex["title"]
    literal = {}
    for path, value in ex.get("set", {}).items():
        key = _set_cell(spec, path, value)
        if key:
            literal[key] = value
    for section, paragraphs in ex.get("sections", {}).items():
        spec.sections[section] = list(paragraphs)
    fmt = ex.get("format", "txt")
    if fmt == "docx":
        assert not literal and not ex.get("replace") and not ex.get("regex")
        return to_docx(spec), "example.docx"
    if fmt in ("crawled", "txt-2019"):  # a crawled page (cells run together); the 2019 trial layout
        assert not literal
        text = crawled(spec) if fmt == "crawled" else to_txt_2019(spec)
        fmt = "txt"
    else:
        text = render(spec, fmt, literal)
    for old, new in ex.get("replace", []):
        assert old in text, f"example text to replace is not in the draft: {old!r}"
        text = text.replace(old, new, 1)
    for pattern, repl in ex.get("regex", []):
        text, n = re.subn(pattern, repl, text, count=1, flags=re.S)
        assert n == 1, f"example pattern does not match the draft: {pattern!r}"
    return text.encode("utf-8"), f"example.{fmt}"


def _read(facts, result, what: str) -> bool:
    if what == "parts":  # a 总数…其中 group
        return bool(facts.parts_groups)
    if what == "period":
        return facts.period_start is not None
    if what == "title":
        return facts.title is not None
    kind, _, arg = what.partition(":") if ":" in what else ("cell", "", what)
    if kind == "cell":
        return result.report.cells.get(arg) is not None
    if kind == "claim":
        return any(c.metric == arg for c in facts.claims)
    if kind == "section":
        return any(s.key == arg for s in facts.sections)
    if kind == "statement":
        return any(s.kind == arg for s in facts.statements)
    if kind == "year":
        return any(str(y.year) == arg for y in facts.years)
    raise AssertionError(f"unknown kind of reads entry: {what}")


@pytest.mark.parametrize("rule_id, index", EXAMPLES, ids=[f"{r}[{i}]" for r, i in EXAMPLES])
def test_declared_example(rule_id: str, index: int) -> None:
    rule = RULES[rule_id]
    ex = rule.examples[index]
    data, name = _draft(ex)
    result, facts = review_with_facts(read_bytes(data, name), ReviewOptions(use_llm=False))
    assert result.status == "ok", result.error
    got = [f for f in result.findings if f.rule_id == rule_id]
    if ex.get("fires"):
        assert got, f"{rule_id} did not fire on: {ex['note']}"
        for f in got:
            assert f.severity in rule.severities, (f.severity, rule.severities)
            assert rule.message_matches(f.message), f"message matches no declared template: {f.message}"
        if "severity" in ex:
            assert {f.severity for f in got} == {ex["severity"]}
    else:
        assert not got, [f.message for f in got]
        assert ex.get("reads"), f"{rule_id}: a silent example must name what it is silent about (reads)"
        unread = [w for w in ex["reads"] if not _read(facts, result, w)]
        assert not unread, f"not read, so the silence proves nothing: {unread}"


def test_every_rule_that_runs_on_a_draft_declares_examples_that_fire_and_stay_silent() -> None:
    for rule in load_declarations().values():
        if rule.runs_on != "draft":
            continue  # batch rules: tests/crossreport; llm rules: tests/llm
        assert any(e.get("fires") for e in rule.examples), f"{rule.id}: no example that fires"
        assert any(not e.get("fires") for e in rule.examples), f"{rule.id}: no example that stays silent"


def test_every_declaration_is_registered_and_complete() -> None:
    declared = load_declarations()
    assert set(declared) == set(RULES)
    for rule in declared.values():
        assert rule.messages and all(rule.explanation.get(k) for k in ("checks", "why", "fires", "passes",
                                                                           "skipped", "fix")), rule.id
        assert all(d in declared for d in rule.defers_to), rule.id
        for ex in rule.examples:
            assert isinstance(ex.get("note"), str) and ex["note"], rule.id
