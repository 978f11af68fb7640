"""The prompt agrees with the rules: every few-shot example of the default prompt, embedded in a
clean generated report and run through the rule engine, gets the same verdict from the rules.

* a wrong_year finding of the example ⇔ a period finding of the same severity at its quote;
* a sentence the example accepts ⇒ no period error or warning there, and no crossref error
  (the rules accept it too: N−1 in 五 reviewing last year's problems, “2023年以来”, …);
* a claim of the example ⇒ where the rules read a claim of the same number, the same metric,
  and the rules find a contradiction with the table exactly when the example's number differs
  from its “表格数据”.
An example the rules would contradict teaches the model to flag what the rules accept, or the
reverse; this test fails on it.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from reportgen import CATEGORIES, RENDERERS, RESULT_ROWS, consistent_spec  # noqa: E402

from reviewer.extract import extract  # noqa: E402
from reviewer.ingest import read_bytes  # noqa: E402
from reviewer.llm.prompts import load_prompt  # noqa: E402
from reviewer.pipeline import ReviewOptions, review_bytes  # noqa: E402
from reviewer.settings import Settings  # noqa: E402

PROMPT = load_prompt("narrative", Settings().llm_prompt_version)
EXAMPLES = [(user, json.loads(assistant)) for user, assistant in PROMPT.examples]
_SECTION = re.compile(r"^【([一二三四五六])、[^】]*】$")
_SENTENCE = re.compile(r"[^。！？；]+[。！？；]?")


def _parse(user: str) -> tuple[int, dict[str, float], dict[str, list[str]]]:
    year = int(re.search(r"报告年度：(\d{4})", user).group(1))
    summary = {k: float(v) for k, v in re.findall(r"([a-z_.]+)=([\d.]+)", user.split("\n")[1])}
    body = user.split(">\n", 1)[1].rsplit("\n</draft", 1)[0]
    sections: dict[str, list[str]] = {}
    current = None
    for line in body.split("\n"):
        m = _SECTION.match(line.strip())
        if m:
            current = sections.setdefault(m.group(1), [])
        elif line.strip() and current is not None:
            current.append(line.strip())
    return year, summary, sections


def _spec(year: int, summary: dict[str, float], sections: dict[str, list[str]]):
    """A clean report whose table 三 holds the example's 表格数据 and whose prose is the example's."""
    spec = consistent_spec(year=year, seed=year, zero_applications=True)
    t3 = spec.table3
    new, carried = int(summary.get("apply.new", 0)), int(summary.get("apply.carried", 0))
    forward = int(summary.get("apply.forward", 0))
    disclosed = int(summary.get("apply.disclosed", 0))
    t3["new"]["natural"], t3["carried"]["natural"], t3["forward"]["natural"] = new, carried, forward
    t3["disclosed"]["natural"] = disclosed
    t3["unavailable_none"]["natural"] = new + carried - forward - disclosed
    t3["results_total"]["natural"] = sum(t3[r]["natural"] for r in RESULT_ROWS)
    if "apply.handled" in summary:
        assert t3["results_total"]["natural"] == summary["apply.handled"], "example tables do not balance"
    for row in t3.values():
        row["total"] = sum(row[c] for c in CATEGORIES)
    filler = {"一": "（三）政府信息管理。严格落实信息发布审核制度。", "五": "部分栏目更新不够及时。",
              "六": "本年度未收取信息处理费。"}
    spec.sections = {k: list(sections.get(k) or ([filler[k]] if k in filler else [])) for k in "一二三四五六"}
    return spec


def _meant_to_be_caught(claim: dict, summary: dict[str, float]) -> bool | None:
    """Whether no reading of the claim's metric (formats: ``readings``) gives the example table's value;
    None when the example's table summary does not hold what a reading needs."""
    from reviewer.formats import GOV_2021

    readings = GOV_2021.readings(claim["metric"])
    if not readings or any(m not in summary for r in readings for m in (*r.plus, *r.minus)):
        return None
    values = [sum(summary[m] for m in r.plus) - sum(summary[m] for m in r.minus) for r in readings]
    return all((claim["value"] > v) if r.at_most else (claim["value"] != v) for r, v in zip(readings, values))


def _overlaps(loc, span) -> bool:
    return bool(loc.span) and loc.span[0] < span[1] and span[0] < loc.span[1]


@pytest.mark.parametrize("ext", ["txt", "docx"])
@pytest.mark.parametrize("index", range(len(EXAMPLES)))
def test_each_prompt_example_gets_the_same_verdict_from_the_rules(index, ext):
    user, answer = EXAMPLES[index]
    year, summary, sections = _parse(user)
    data = RENDERERS[ext](_spec(year, summary, sections))
    result = review_bytes(data, f"example.{ext}", ReviewOptions(use_llm=False))
    assert result.status == "ok", result.error
    doc = read_bytes(data, f"example.{ext}")
    facts = extract(doc)

    def span(quote: str) -> tuple[int, int]:
        i = doc.text.find(quote)
        assert i >= 0, f"quote not in the embedded report: {quote}"
        return i, i + len(quote)

    flagged = []
    for f in answer["findings"]:
        where = span(f["quote"])
        flagged.append(where)
        if f["kind"] == "wrong_year":
            rules = [(r.rule_id, r.severity) for r in result.findings
                     if r.category == "period" and any(_overlaps(loc, where) for loc in r.locations)]
            assert rules and all(sev == f["severity"] for _, sev in rules), (f["quote"], rules)

    claims = [(c, span(c["quote"])) for c in answer["claims"]]
    for c, where in claims:
        same = [k for k in facts.claims if k.value == c["value"] and _overlaps(k.location, where)]
        assert all(k.metric == c["metric"] for k in same), (c, [(k.metric, k.value) for k in same])
        caught = _meant_to_be_caught(c, summary)
        if caught is not None:
            contradicted = [r for r in result.findings if r.category == "crossref" and r.severity == "error"
                            and any(_overlaps(loc, where) for loc in r.locations)]
            assert bool(contradicted) == caught, (c, [r.message for r in contradicted])

    for paragraph in (p for ps in sections.values() for p in ps):
        for m in _SENTENCE.finditer(paragraph):
            where = span(m.group().rstrip("。！？；"))
            if any(a < where[1] and where[0] < b for a, b in flagged):
                continue
            if any(_meant_to_be_caught(c, summary) and a < where[1] and where[0] < b for c, (a, b) in claims):
                continue  # a number the program is meant to catch
            against = [(r.rule_id, r.severity, r.message) for r in result.findings
                       if any(_overlaps(loc, where) for loc in r.locations)
                       and ((r.category == "period" and r.severity != "info")
                            or (r.category == "crossref" and r.severity == "error"))]
            assert against == [], (m.group(), against)


def test_the_examples_tested_are_the_ones_the_default_prompt_sends():
    assert PROMPT.id == f"narrative/{Settings().llm_prompt_version}" and EXAMPLES
    kinds = {f["kind"] for _, a in EXAMPLES for f in a["findings"]}
    assert "wrong_year" in kinds
