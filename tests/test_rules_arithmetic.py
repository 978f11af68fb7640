"""Arithmetic rules: every relation of tables 三 and 四, and the root-cause summary.

Every cell of table 三 sits in a row relation and a column relation, so one changed
cell always breaks two rules. To make exactly one rule fire, two cells are changed
so that they compensate in the other direction (e.g. +1 and −1 in one column keep the
column relations and break two row relations).
"""

from __future__ import annotations

import pytest

from rulehelpers import (applications_spec, cells_of, clean_spec, fired, only, render, review, to_txt_2019,
                         wuhai_spec)


def _review(spec):
    return review(render(spec))


# --- table3.row_total ---------------------------------------------------------------------------

def test_row_total_fires_when_categories_do_not_add_up_to_the_total():
    spec = applications_spec({("disclosed", "natural"): 2, ("partial", "natural"): 1})
    spec.table3["disclosed"]["natural"] = 3  # one application moved between rows of one column:
    spec.table3["partial"]["natural"] = 0  # the column still adds up, the two rows do not
    result = _review(spec)
    found = only(result, "table3.row_total", "arithmetic.root_cause")
    rows = fired(result, "table3.row_total")
    assert {f.severity for f in rows} == {"error"}
    by_row = {f.locations[0].row: f for f in rows}
    assert set(by_row) == {"disclosed", "partial"}
    disclosed = by_row["disclosed"]
    assert "予以公开" in disclosed.message and "总计为2" in disclosed.message and "各类申请人之和为3" in disclosed.message
    assert disclosed.expected == "3" and disclosed.actual == "2"
    assert ("table3", "disclosed", "natural") in cells_of(disclosed)
    assert ("table3", "disclosed", "total") in cells_of(disclosed)
    assert all(loc.row == "disclosed" for loc in disclosed.locations)
    assert len(found) == 3


def test_row_total_silent_when_categories_add_up():
    spec = applications_spec({("disclosed", "natural"): 30, ("disclosed", "commercial"): 4,
                              ("partial", "legal"): 2, ("unavailable_none", "other"): 1})
    assert _review(spec).findings == []


# --- table3.results_total -----------------------------------------------------------------------

def _move_one_between_columns(row: str, rule_id: str) -> dict:
    """Row ``row`` gets one application more under 自然人 and one less under 商业企业: the row still adds
    up, the two columns break ``rule_id``. Returns its findings by column."""
    spec = applications_spec({("disclosed", "natural"): 2, ("disclosed", "commercial"): 2})
    spec.table3[row]["natural"] += 1
    spec.table3[row]["commercial"] -= 1
    result = _review(spec)
    only(result, rule_id, "arithmetic.root_cause")
    cols = {f.locations[0].column: f for f in fired(result, rule_id)}
    assert set(cols) == {"natural", "commercial"}
    assert {f.severity for f in cols.values()} == {"error"}
    return cols


def test_results_total_fires_when_results_do_not_add_up_to_the_seventh_row():
    natural = _move_one_between_columns("disclosed", "table3.results_total")["natural"]
    assert "自然人" in natural.message and "（七）总计为2" in natural.message and "各项之和为3" in natural.message
    assert ("table3", "results_total", "natural") in cells_of(natural)
    assert ("table3", "disclosed", "natural") in cells_of(natural)
    assert all(loc.column == "natural" for loc in natural.locations)


def test_results_total_silent_when_results_spread_over_many_rows():
    spec = applications_spec({("disclosed", "natural"): 5, ("withheld_third_party", "natural"): 1,
                              ("unavailable_none", "natural"): 2, ("np_repeat", "legal"): 1,
                              ("other_no_correction", "commercial"): 1, ("other_other", "natural"): 1})
    assert _review(spec).findings == []


# --- table3.balance -----------------------------------------------------------------------------

def test_balance_fires_when_new_plus_carried_differs_from_handled_plus_forward():
    commercial = _move_one_between_columns("new", "table3.balance")["commercial"]
    assert "商业企业" in commercial.message
    assert "第一项加第二项为1" in commercial.message and "第三项（七）总计加第四项为2" in commercial.message
    assert cells_of(commercial) == {("table3", r, "commercial") for r in ("new", "carried", "results_total", "forward")}


def test_balance_silent_with_carried_and_forward_applications():
    spec = applications_spec({("disclosed", "natural"): 4, ("partial", "commercial"): 1},
                             carried={"natural": 2}, forward={"natural": 1, "commercial": 1})
    assert spec.table3["new"]["natural"] == 3 and spec.table3["carried"]["natural"] == 2
    assert _review(spec).findings == []


# --- table4.*_total -----------------------------------------------------------------------------

@pytest.mark.parametrize("group", ["review", "direct", "after"])
def test_table4_total_fires_for_each_group(group):
    spec = clean_spec()
    spec.table4[f"{group}_upheld"] = 2
    outcomes = ("upheld", "corrected", "other", "pending")
    spec.table4[f"{group}_total"] = sum(spec.table4[f"{group}_{o}"] for o in outcomes)
    spec.table4[f"{group}_total"] += 1  # 总计 one more than its outcomes
    (f,) = only(_review(spec), f"table4.{group}_total")
    assert f.severity == "error"
    total = spec.table4[f"{group}_total"]
    assert f"总计为{total}" in f.message and f"各结果之和为{total - 1}" in f.message
    assert f.expected == str(total - 1) and f.actual == str(total)
    assert ("table4", "counts", f"{group}_total") in cells_of(f)
    assert all(loc.column.startswith(group) for loc in f.locations)


def test_table4_silent_when_every_group_adds_up():
    spec = clean_spec()
    spec.table4 = {k: 0 for k in spec.table4}
    spec.table4.update(review_upheld=3, review_corrected=1, review_pending=2, review_total=6,
                       direct_other=1, direct_total=1, after_corrected=2, after_total=2)
    assert _review(spec).findings == []


# --- all-zero and clean tables ------------------------------------------------------------------

def test_all_zero_tables_give_no_finding():
    spec = clean_spec(seed=1)
    assert all(v == 0 for row in spec.table3.values() for v in row.values())
    spec.table4 = {k: 0 for k in spec.table4}
    assert _review(spec).findings == []


# --- arithmetic.root_cause ----------------------------------------------------------------------

def test_root_cause_names_the_pair_of_cells_in_the_wuhai_double_error():
    result = _review(wuhai_spec())
    found = only(result, "table3.row_total", "table3.results_total", "table3.balance", "arithmetic.root_cause")
    (rc,) = fired(result, "arithmetic.root_cause")
    assert rc.severity == "error" and rc.category == "arithmetic"  # one correction: it is the error
    assert "4条不成立的勾稽关系即全部成立" in rc.message and rc.message.startswith("把")
    assert cells_of(rc) == {("table3", "new", "commercial"), ("table3", "disclosed", "commercial")}
    assert "“一、本年新收政府信息公开申请数量 / 商业企业”由1改为2" in rc.expected
    assert "“（一）予以公开 / 商业企业”由1改为2" in rc.expected
    # the four broken relations share the root cause's group and point at it
    assert {f.group for f in found} == {rc.group} and rc.group
    assert all(f.derived_from == rc.id and f.expected is None for f in found if f is not rc)


def test_root_cause_names_the_single_wrong_cell_and_its_value():
    spec = applications_spec({("disclosed", "natural"): 3, ("unavailable_none", "natural"): 1})
    spec.table3["results_total"]["natural"] = 5  # should be 4
    result = _review(spec)
    only(result, "table3.row_total", "table3.results_total", "table3.balance", "arithmetic.root_cause")
    (rc,) = fired(result, "arithmetic.root_cause")
    assert cells_of(rc) == {("table3", "results_total", "natural")}
    assert rc.expected == "“（七）总计 / 自然人”由5改为4"
    assert rc.message.startswith("把“（七）总计 / 自然人”由5改为4") and "3条不成立的勾稽关系" in rc.message


def test_root_cause_silent_when_only_one_relation_breaks():
    spec = clean_spec()
    spec.table4["review_total"] += 1
    assert not fired(_review(spec), "arithmetic.root_cause")


def test_root_cause_silent_when_no_few_cells_explain_the_errors():
    # four unrelated errors in four different rows and columns: no fix of at most three cells
    spec = applications_spec({("disclosed", "natural"): 3, ("partial", "commercial"): 2,
                              ("unavailable_none", "legal"): 2, ("np_repeat", "other"): 2})
    for row, col in (("disclosed", "natural"), ("partial", "commercial"), ("unavailable_none", "legal"),
                     ("np_repeat", "other")):
        spec.table3[row][col] += 1
    result = _review(spec)
    assert fired(result, "table3.row_total") and fired(result, "table3.results_total")
    assert not fired(result, "arithmetic.root_cause")


# --- the 2019 trial layout (a 2020 report): the same engine over its own table 三 --------------------

def test_relations_of_the_2019_layout_fire_on_its_single_other_handling_row():
    spec = applications_spec({("other_other", "natural"): 2, ("other_no_fee", "legal"): 1}, year=2020)
    spec.table3["other_other"]["natural"] = 3  # printed in the merged “（六）其他处理” row: 3 instead of 2
    result = review(to_txt_2019(spec))
    assert result.format == "gov-disclosure-2019"
    only(result, "table3.row_total", "table3.results_total", "arithmetic.root_cause")
    (row,) = fired(result, "table3.row_total")
    assert row.locations[0].row == "other_handling" and "其他处理" in row.message
    (rc,) = fired(result, "arithmetic.root_cause")
    assert cells_of(rc) == {("table3", "other_handling", "natural")}
    assert rc.expected == "“（六）其他处理 / 自然人”由3改为2"


def test_relations_of_the_2019_layout_silent_when_it_adds_up():
    spec = applications_spec({("other_other", "natural"): 2, ("other_no_fee", "legal"): 1}, year=2020)
    assert review(to_txt_2019(spec)).findings == []
