"""crossref.all_done_vs_table, crossref.percentage, crossref.prose_totals (checks/prose_statements.py): what the prose asserts
beyond single counts, against the tables and against its own numbers."""

from __future__ import annotations

from rulehelpers import fired, review_spec
from test_rules_readings import _spec, _with


# --- crossref.all_done_vs_table -----------------------------------------------------------------

def test_all_done_fires_when_applications_are_carried_forward() -> None:
    (f,) = fired(review_spec(_with("本年度共收到申请12件，所有申请均已按期办结。")), "crossref.all_done_vs_table")
    assert f.severity == "warning" and "结转下年度" in f.message and f.actual == "1"
    assert any(loc.row == "forward" for loc in f.locations)


def test_all_done_fires_when_appeals_are_pending() -> None:
    (f,) = fired(review_spec(_with("本年度发生政府信息公开行政复议1件，均已审结。", "四")), "crossref.all_done_vs_table")
    assert "尚未审结" in f.message


def test_all_done_silent_for_a_subset_and_when_nothing_is_carried() -> None:
    assert not fired(review_spec(_with("本年度新收申请10件，上年结转的申请均已办结。")), "crossref.all_done_vs_table")
    spec = _spec()
    t3 = spec.table3
    t3["forward"]["natural"] = t3["forward"]["total"] = 0
    t3["new"]["natural"] -= 1
    t3["new"]["total"] -= 1
    spec.sections["一"][2] = "（二）依申请公开。本年度共收到申请11件，所有申请均已按期办结。"
    assert not fired(review_spec(spec), "crossref.all_done_vs_table")


# --- crossref.percentage --------------------------------------------------------------------------

def test_percentage_fires_when_no_total_gives_the_share() -> None:
    (f,) = fired(review_spec(_with("本年度收到申请10件，予以公开7件，占80%。")), "crossref.percentage")
    assert f.severity == "warning" and "7÷10（本年新收申请数）＝70.0%" in f.message
    assert "7÷11（本年度办理结果总计（办结/答复数））＝63.6%" in f.message  # each share names the total it was computed of


def test_percentage_fires_for_a_full_closing_rate_with_cases_carried_forward() -> None:
    (f,) = fired(review_spec(_with("本年度收到申请12件，办结11件，办结率100%。")), "crossref.percentage")
    assert "91.7%" in f.message


def test_percentage_silent_when_a_reading_gives_the_printed_share() -> None:
    for sentence in ("本年度收到申请10件，予以公开7件，占70%。", "本年度收到申请12件，予以公开7件，占比58.3%。",
                     "本年度收到申请12件，予以公开7件，占58%。", "本年度收到申请12件，办结11件，按时办结率100%。",
                     "本年度收到申请12件，办结11件，办结率91.7%。"):
        assert not fired(review_spec(_with(sentence)), "crossref.percentage"), sentence


# --- crossref.prose_totals ------------------------------------------------------------------------

def test_prose_totals_fires_when_the_prose_does_not_balance() -> None:
    result = review_spec(_with("本年度新收申请10件，上年结转2件，办结10件，结转下年度1件。"))
    (f,) = fired(result, "crossref.prose_totals")
    assert f.severity == "warning" and len(f.locations) == 4


def test_prose_totals_silent_when_the_prose_balances() -> None:
    for sentence in ("本年度新收申请10件，上年结转2件，办结11件，结转下年度1件。",
                     "本年度共收到申请12件（含上年结转2件），办结11件，结转下年度1件。",
                     "本年度共收到申请10件，上年结转2件，共办理12件，结转下年度1件。"):
        assert not fired(review_spec(_with(sentence)), "crossref.prose_totals"), sentence
