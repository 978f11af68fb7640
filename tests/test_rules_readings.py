"""Claims with readings (docs/real-reports.md §A): a wording that can mean several table quantities
contradicts the table only when every reading fails — in every input format."""

from __future__ import annotations

import pytest
from rulehelpers import applications_spec, fired, review_spec

FORMATS = ("txt", "html", "md", "docx")


def _spec():
    """新收 10, 上年结转 2, （七）总计 11, 结转下年度 1; 予以公开 7, 部分公开 2, 不予公开 1, 无法提供 1."""
    spec = applications_spec({("disclosed", "natural"): 5, ("disclosed", "commercial"): 2, ("partial", "natural"): 2,
                              ("withheld_third_party", "natural"): 1, ("unavailable_none", "natural"): 1},
                             carried={"natural": 2}, forward={"natural": 1})
    t3 = spec.table3
    assert (t3["new"]["total"], t3["carried"]["total"], t3["results_total"]["total"], t3["forward"]["total"]) == \
        (10, 2, 11, 1)
    spec.table4.update({k: 0 for k in spec.table4})
    spec.table4.update(review_upheld=1, review_pending=1, review_total=2)
    return spec


def _with(sentence: str, section: str = "一"):
    spec = _spec()
    if section == "一":
        spec.sections["一"][2] = "（二）依申请公开。" + sentence
    else:
        spec.sections[section] = [sentence]
    return spec


LEGITIMATE = [
    "本年度共受理政府信息公开申请12件（含上年结转2件），予以公开7件。",
    "本年度共收到政府信息公开申请12件，其中新收10件、上年结转2件。",
    "本年度共收到政府信息公开申请10件，上年结转2件。",
    "本年度共办理政府信息公开申请12件，其中结转下年度继续办理1件。",
    "本年度共办理政府信息公开申请11件。",
    "本年度共答复11件（含上年度转结2件）。",
    "本年度办结政府信息公开申请9件，另有上年结转的2件也已办结。",
    "本年度予以公开及部分公开9件，不予公开及无法提供2件。",
    "本年度予以公开和部分公开9件。",
    "本年度公开（含部分公开）9件。",
    "本年度共收到申请12件，答复11件，结转下年度1件。",
]
APPEALS = [
    "本年度新发生政府信息公开行政复议1件。",
    "因政府信息公开被申请行政复议2件（含上年结转1件）。",
    "本年度发生政府信息公开行政复议1件，尚未审结1件。",
]


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("sentence", LEGITIMATE)
def test_every_reading_of_an_application_count_is_accepted(sentence: str, fmt: str) -> None:
    result = review_spec(_with(sentence), fmt)
    assert not [f for f in result.findings if f.category == "crossref"], [f.message for f in result.findings]


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("sentence", APPEALS)
def test_appeal_sentences_are_at_most_the_total_and_never_application_counts(sentence: str, fmt: str) -> None:
    result = review_spec(_with(sentence, "四"), fmt)
    assert not [f for f in result.findings if f.category == "crossref"], [f.message for f in result.findings]


@pytest.mark.parametrize("sentence, closest, readings", [
    ("本年度共收到政府信息公开申请13件。", "本年新收与上年结转之和", 2),
    ("本年度共办理政府信息公开申请13件。", "（七）总计与结转下年度之和", 2),
    ("本年度予以公开及部分公开10件。", "予以公开数与部分公开数之和", 1),
])
def test_a_count_no_reading_admits_is_an_error_naming_the_closest_reading(sentence: str, closest: str,
                                                                          readings: int) -> None:
    (f,) = fired(review_spec(_with(sentence)), "crossref.claim_vs_table")
    assert f.severity == "error" and closest in f.message
    assert ("其他理解" in f.message) == (readings > 1)


def test_more_new_appeals_than_the_table_holds_is_an_error() -> None:
    (f,) = fired(review_spec(_with("本年度新发生政府信息公开行政复议3件。", "四")), "crossref.claim_vs_table")
    assert f.expected == "≤2" and f.actual == "3"


def test_a_split_that_adds_up_makes_the_whole_self_consistent() -> None:
    # the whole (12) is 新收＋结转 by its own split; each part agrees with the table
    result = review_spec(_with("本年度共收到政府信息公开申请12件，其中本年新收10件，上年结转2件。"))
    assert not fired(result, "crossref.claim_vs_table")


@pytest.mark.parametrize("fmt", FORMATS)
def test_channels_may_overlap_but_no_channel_exceeds_the_whole(fmt: str) -> None:
    spec = _with("本年度依申请公开情况见下表。")
    spec.sections["一"][1] = "（一）主动公开。本年度主动公开政府信息120条，其中门户网站100条、微信公众号80条。"
    assert not fired(review_spec(spec, fmt), "crossref.parts_exceed_whole")  # one item on several channels
    # parts that are not all categories of the format may overlap (重点领域 cuts across the others): likely a slip
    spec.sections["一"][1] = "（一）主动公开。本年度主动公开政府信息120条，其中重点领域信息100条、政策文件80条。"
    (f,) = fired(review_spec(spec, fmt), "crossref.parts_exceed_whole")
    assert f.severity == "warning"
    # categories partition the whole (each item has one): above it is an error (issue 14)
    spec.sections["一"][1] = "（一）主动公开。本年度主动公开政府信息120条，其中机构职能信息100条、政策文件80条。"
    (f,) = fired(review_spec(spec, fmt), "crossref.parts_exceed_whole")
    assert f.severity == "error"
    # a breakdown in parentheses presents itself as the whole's composition
    spec.sections["一"][1] = "（一）主动公开。本年度主动公开政府信息3022条（门户网站2251条、微信公众号788条）。"
    (f,) = fired(review_spec(spec, fmt), "crossref.parts_exceed_whole")
    assert f.severity == "warning"
    spec.sections["一"][1] = "（一）主动公开。本年度主动公开政府信息120条，其中门户网站130条、微信公众号80条。"
    (f,) = fired(review_spec(spec, fmt), "crossref.parts_exceed_whole")
    assert f.severity == "error" and "130" in f.message


def test_parts_that_cannot_overlap_above_the_whole_are_an_error() -> None:
    (f,) = fired(review_spec(_with("本年度收到申请10件（自然人9件、商业企业2件）。")), "crossref.parts_exceed_whole")
    assert f.severity == "error"


@pytest.mark.parametrize("fmt", FORMATS)
def test_two_kinds_of_decisions_in_one_number_are_their_sum(fmt: str) -> None:
    spec = _spec()
    spec.table2["penalty"]["decisions"], spec.table2["coercion"]["decisions"] = 632, 12
    spec.sections["一"][1] = "（一）主动公开。本年度作出行政处罚和行政强制决定644条，均按规定公示。"
    assert not fired(review_spec(spec, fmt), "crossref.claim_vs_table")
    spec.sections["一"][1] = "（一）主动公开。本年度作出行政处罚和行政强制决定645条，均按规定公示。"
    (f,) = fired(review_spec(spec, fmt), "crossref.claim_vs_table")
    assert f.expected == "644"
