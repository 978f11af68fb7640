"""crossref.* rules: numbers the prose states against the tables, and “其中” parts against their whole."""

from __future__ import annotations

from rulehelpers import cells_of, clean_spec, only, render, review


def _review(spec):
    return review(render(spec))


def _applications_paragraph(spec, sentence: str) -> None:
    spec.sections["一"][2] = f"（二）依申请公开。{sentence}"


# --- crossref.claim_vs_table --------------------------------------------------------------------

def test_claim_vs_table_fires_when_prose_count_differs_from_table():
    spec = clean_spec()  # table 三: 10 new applications
    _applications_paragraph(spec, "本年度共收到政府信息公开申请11件。")
    (f,) = only(_review(spec), "crossref.claim_vs_table")
    assert f.severity == "error"
    assert f.expected == "10" and f.actual == "11"
    assert "11" in f.message and "10" in f.message
    claim, cell = f.locations
    assert claim.text == "11" and claim.section == "一"
    assert (cell.table, cell.row, cell.column) == ("table3", "new", "total") and cell.text == "10"
    assert "本年度共收到政府信息公开申请11件" in f.evidence[0]


def test_claim_vs_table_fires_for_disclosed_count():
    spec = clean_spec()  # 予以公开 total 2
    _applications_paragraph(spec, "本年度共收到政府信息公开申请10件，依法予以公开5件。")
    (f,) = only(_review(spec), "crossref.claim_vs_table")
    assert f.expected == "2" and f.actual == "5"
    assert ("table3", "disclosed", "total") in cells_of(f)


def test_claim_vs_table_fires_for_table4_counts():
    spec = clean_spec()
    spec.table4 = {k: 0 for k in spec.table4}
    spec.sections["四"] = ["本年度发生政府信息公开行政复议案件2件。"]
    (f,) = only(_review(spec), "crossref.claim_vs_table")
    assert f.expected == "≤0" and f.actual == "2"  # 发生: new cases, at most the 总计
    assert ("table4", "counts", "review_total") in cells_of(f)


def test_claim_vs_table_silent_when_prose_agrees_with_table():
    spec = clean_spec()
    _applications_paragraph(spec, "本年度共收到政府信息公开申请10件，上年结转0件，办结9件，其中予以公开2件，"
                                  "结转下年度继续办理1件。")
    assert _review(spec).findings == []


def test_claim_vs_table_silent_for_changes_plans_and_other_years():
    spec = clean_spec()
    _applications_paragraph(spec, "本年度共收到政府信息公开申请10件，较上年增加3件。"
                                  "上年同期共收到政府信息公开申请7件。")
    spec.sections["五"].append("2024年，我们将力争办结政府信息公开申请20件以上，答复满意率进一步提高。")
    assert _review(spec).findings == []


def test_claim_vs_table_silent_for_zero_stated_in_words_on_an_all_zero_table():
    spec = clean_spec(seed=1)
    assert spec.table3["new"]["total"] == 0
    _applications_paragraph(spec, "本年度未收到政府信息公开申请，无上年结转申请。")
    assert _review(spec).findings == []


def test_claim_vs_table_fires_when_words_say_none_but_table_has_applications():
    spec = clean_spec()
    _applications_paragraph(spec, "本年度未收到政府信息公开申请。")
    (f,) = only(_review(spec), "crossref.claim_vs_table")
    assert f.actual == "0" and f.expected == "10"


# --- crossref.parts_exceed_whole ----------------------------------------------------------------

def test_parts_exceed_whole_fires_when_parts_sum_above_the_total():
    spec = clean_spec()
    spec.sections["一"][1] = ("（一）主动公开。本年度主动公开政府信息1248条，其中机构职能信息24条、"
                             "政策文件及解读1538条、工作动态533条。")
    (f,) = only(_review(spec), "crossref.parts_exceed_whole")
    assert f.severity == "error"
    assert "1248" in f.message and "24＋1538＋533" in f.message and "2095" in f.message
    assert f.expected == "≤1248" and f.actual == "2095"
    assert [loc.text for loc in f.locations] == ["1248", "24", "1538", "533"]


def test_parts_exceed_whole_silent_when_parts_sum_below_the_total():
    spec = clean_spec()
    spec.sections["一"][1] = ("（一）主动公开。本年度主动公开政府信息1248条，其中机构职能信息24条、"
                             "政策文件及解读153条、工作动态533条。")
    assert _review(spec).findings == []


def test_parts_exceed_whole_silent_when_parts_sum_exactly_to_the_total():
    spec = clean_spec()
    spec.sections["一"][1] = ("（一）主动公开。本年度主动公开政府信息710条，其中机构职能信息24条、"
                             "政策文件及解读153条、工作动态533条。")
    assert _review(spec).findings == []
