"""The cross-report findings use the rule ids, categories and severities `reviewer rules` lists."""

from batchgen import break_carry_over, copy_narrative, year_pair
from reportgen import RENDERERS
from reviewer.checks import RULES
from reviewer.crossreport import Report, check_reports
from reviewer.ingest import read_bytes
from reviewer.pipeline import ReviewOptions, review_with_facts


def _report(spec, name):
    doc = read_bytes(RENDERERS["txt"](spec), name)
    review, facts = review_with_facts(doc, ReviewOptions(use_llm=False))
    return Report(doc, facts, review)


def test_cross_report_rules_are_listed_with_their_category_and_severity():
    assert {k: (RULES[k].category, RULES[k].severity) for k in RULES if k.startswith(("continuity.", "duplicate."))} == {
        "continuity.carry_over": ("continuity", "error"),
        "continuity.in_force": ("continuity", "warning"),
        "duplicate.narrative": ("duplicate", "warning"),
        "duplicate.submission": ("duplicate", "warning"),
    }


def test_emitted_cross_report_findings_match_the_registry():
    prev, this = year_pair("乌海市民政局", seed=2)
    break_carry_over(this, "commercial")
    other = year_pair("乌海市林草局", seed=5)[1]
    copy_narrative(this, other)
    twice = year_pair("乌海市民政局", seed=7)[1]
    reports = [_report(prev, "p.txt"), _report(this, "t.txt"), _report(other, "o.txt"), _report(twice, "t2.txt")]
    found = check_reports(reports)
    assert {"continuity.carry_over", "duplicate.narrative", "duplicate.submission"} <= {f.rule_id for _, f in found}
    rank = {"info": 0, "warning": 1, "error": 2}
    for _, f in found:
        # the registry lists a rule's highest severity; continuity.carry_over is a warning for one column
        assert f.category == RULES[f.rule_id].category, f.rule_id
        assert rank[f.severity] <= rank[RULES[f.rule_id].severity], f.rule_id
