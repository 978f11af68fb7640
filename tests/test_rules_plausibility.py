"""Numbers that add up but cannot be right: table2.rules_by_non_rulemaker, table2.fees_in_yuan,
table3.other_handling_share."""

from __future__ import annotations

import pytest

from rulehelpers import RENDER, applications_spec, clean_spec, fired, only, review_spec

from reviewer.checks.agency_level import can_make_rules


def _with_rules(agency: str):
    spec = clean_spec(agency=agency)
    spec.table2["rules"] = {"issued": 1, "abolished": 0, "in_force": 3}
    return spec


# --- table2.rules_by_non_rulemaker --------------------------------------------------------------

@pytest.mark.parametrize("agency", ["某县示例局", "乌海市工业和信息化局", "某市某区人民政府", "某县某镇人民政府"])
@pytest.mark.parametrize("fmt", sorted(RENDER))
def test_rules_by_non_rulemaker_fires_for_a_county_body_or_a_city_department(agency, fmt):
    result = review_spec(_with_rules(agency), fmt)
    assert result.report.agency == agency
    (f,) = only(result, "table2.rules_by_non_rulemaker")
    assert f.severity == "warning"
    assert {(loc.table, loc.row, loc.column) for loc in f.locations} == {
        ("table2_1", "rules", "issued"), ("table2_1", "rules", "in_force")}
    assert agency in f.message and "行政规范性文件" in f.suggestion


@pytest.mark.parametrize("agency", ["乌海市人民政府", "内蒙古自治区人民政府", "延边朝鲜族自治州人民政府",
                                    "北京市教育委员会", "某省司法厅", "国家某某局", "中华人民共和国某某部"])
def test_rules_by_non_rulemaker_silent_for_bodies_that_can_or_may_make_rules(agency):
    result = review_spec(_with_rules(agency))
    assert result.findings == [], [f.message for f in result.findings]


def test_rules_by_non_rulemaker_reads_names_only_as_far_as_they_are_unambiguous():
    assert can_make_rules("上海市浦东新区人民政府") is False  # a district, though in a 直辖市
    assert can_make_rules("国家税务总局乌海市税务局") is False
    assert can_make_rules("义乌市人民政府") is None  # a county-level city cannot, but the name does not say so
    assert can_make_rules("广西壮族自治区人民政府") is None
    assert can_make_rules(None) is None


# --- table2.fees_in_yuan ------------------------------------------------------------------------

@pytest.mark.parametrize("agency, amount", [("某县示例局", 125000), ("乌海市示例局", 1250000),
                                            ("某县人民政府", 350000)])
@pytest.mark.parametrize("fmt", sorted(RENDER))
def test_fees_in_yuan_fires_for_an_amount_in_yuan_under_the_wan_yuan_column(agency, amount, fmt):
    spec = clean_spec(agency=agency)
    spec.table2["fees"]["amount"] = amount
    (f,) = only(review_spec(spec, fmt), "table2.fees_in_yuan")
    assert f.severity == "warning"
    assert (f.locations[0].table, f.locations[0].row) == ("table2_8", "fees")
    assert f.expected == f"{amount / 10000:g}" and f.actual == str(amount)


@pytest.mark.parametrize("agency, amount", [
    ("某县示例局", 12.5), ("某县示例局", 9800), ("平潭综合实验区", 24252.3),  # a county-level government's total
    ("乌海市示例局", 85000), ("某省某厅", 125000), ("乌海市人民政府", 125000)])
def test_fees_in_yuan_silent_for_amounts_plausible_for_the_level(agency, amount):
    spec = clean_spec(agency=agency)
    spec.table2["fees"]["amount"] = amount
    result = review_spec(spec)
    assert result.findings == [], [f.message for f in result.findings]


@pytest.mark.parametrize("amount", ["18651.064104", "12500.0625", "30001.50123"])
@pytest.mark.parametrize("fmt", ["txt", "html", "md"])
def test_fees_in_yuan_silent_for_wan_yuan_exact_to_the_yuan(amount, fmt):
    # 4–6 decimals of 万元 is a yuan (jiao, fen) amount converted to 万元, not one entered in 元 (issue 14)
    spec = clean_spec(agency="某县示例局")
    result = review_spec(spec, fmt, cells={("table2", "fees", "amount"): amount})
    assert result.report.cells["table2_8/fees/amount"] == float(amount)  # read: silence is not blindness
    assert not fired(result, "table2.fees_in_yuan")
    # the same size without the decimals is still a likely 元 entry
    result = review_spec(clean_spec(agency="某县示例局"), fmt, cells={("table2", "fees", "amount"): amount.split(".")[0]})
    assert fired(result, "table2.fees_in_yuan")


# --- table3.other_handling_share ----------------------------------------------------------------

@pytest.mark.parametrize("fmt", sorted(RENDER))
def test_other_handling_share_fires_when_the_catch_all_other_dominates(fmt):
    spec = applications_spec({("other_other", "natural"): 6, ("disclosed", "natural"): 4})
    (f,) = only(review_spec(spec, fmt), "table3.other_handling_share")
    assert f.severity == "warning" and "60%" in f.message
    assert {(loc.row, loc.column) for loc in f.locations} == {("other_other", "total"), ("results_total", "total")}


@pytest.mark.parametrize("counts", [
    {("other_no_correction", "natural"): 6, ("disclosed", "natural"): 4},  # 逾期不补正 is a specific outcome
    {("other_other", "natural"): 4, ("disclosed", "natural"): 1},  # 80%, but only 4 cases
    {("other_other", "natural"): 5, ("disclosed", "natural"): 12},  # 29%
])
def test_other_handling_share_silent_for_specific_outcomes_few_cases_or_a_modest_share(counts):
    result = review_spec(applications_spec(counts))
    assert not fired(result, "table3.other_handling_share"), [f.message for f in result.findings]


def test_other_handling_share_counts_the_whole_sixth_row_in_the_2019_trial_layout():
    from rulehelpers import review, to_txt_2019

    spec = applications_spec({("other_no_correction", "natural"): 6, ("disclosed", "natural"): 4}, year=2020)
    result = review(to_txt_2019(spec))
    assert result.format == "gov-disclosure-2019"
    (f,) = fired(result, "table3.other_handling_share")
    assert "（六）其他处理共6件" in f.message and {loc.row for loc in f.locations} == {"other_handling", "results_total"}
