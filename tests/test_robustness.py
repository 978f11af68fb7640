"""Never cry wolf, never miss: many generated reports, every format.

Consistent reports (varied wording, agencies, years, all-zero tables) must give no
finding at all; one planted error of each kind must be found, in every format,
as exactly the rule that describes it.
"""

from __future__ import annotations

import copy

import pytest

from reportgen import consistent_spec, render_all, rewrite_prose
from reviewer.pipeline import ReviewOptions, review_bytes

AGENCIES = ("某市交通运输局", "某县人民政府办公室", "某区卫生健康委员会", "某市生态环境局", "某省科学技术厅")
NO_LLM = ReviewOptions(use_llm=False)


def reviews(spec):
    return {kind: review_bytes(data, f"draft.{kind}", NO_LLM) for kind, data in render_all(spec).items()}


@pytest.mark.parametrize("seed", range(10))
def test_consistent_reports_with_varied_wording_are_clean(seed):
    spec = consistent_spec(agency=AGENCIES[seed % len(AGENCIES)], year=2021 + seed % 5, seed=100 + seed,
                           vary_wording=True)
    for kind, review in reviews(spec).items():
        assert review.status == "ok", (kind, review.error)
        assert review.report.year == spec.year and review.report.agency == spec.agency
        assert [f.message for f in review.findings] == [], kind


def _plant_row_total(spec):
    spec.table3["disclosed"]["natural"] += 3
    spec.table3["results_total"]["natural"] += 3
    spec.table3["new"]["natural"] += 3
    spec.table3["new"]["total"] += 3
    spec.table3["results_total"]["total"] += 3
    # （一）予以公开's 总计 forgot the 3: its row and the 总计 column break; root cause: that one cell
    return {"table3.row_total", "table3.results_total", "arithmetic.root_cause"}  # the fix is the error


def _plant_carry(spec):
    spec.table3["forward"]["natural"] += 1
    spec.table3["forward"]["total"] += 1
    return {"table3.balance"}


def _plant_table4(spec):
    spec.table4["direct_upheld"] += 1
    return {"table4.direct_total"}


def _plant_claim(spec):
    new_total = spec.table3["new"]["total"]
    spec.sections["一"].append(f"本年度共收到政府信息公开申请{new_total + 5}件。")
    return {"crossref.claim_vs_table"}


def _plant_period(spec):
    spec.period_start, spec.period_end = f"{spec.year - 1}年1月1日", f"{spec.year - 1}年12月31日"
    return {"period.title_vs_period"}


def _plant_done_next_year(spec):
    spec.sections["一"].append(f"{spec.year + 1}年，我局完成了政府信息公开指南的修订工作。")
    return {"period.narrative_year"}


def _plant_negative(spec):
    spec.table2["license"]["decisions"] = -2
    return {"format.negative_count"}


TABLE_PLANTS = [_plant_row_total, _plant_carry, _plant_table4, _plant_negative]
PLANTS = [_plant_row_total, _plant_carry, _plant_table4, _plant_claim, _plant_period, _plant_done_next_year,
          _plant_negative]


@pytest.mark.parametrize("plant", PLANTS, ids=lambda p: p.__name__[7:])
def test_each_planted_error_is_found_in_every_format(plant):
    spec = consistent_spec(agency="某市示例局", year=2023, seed=7, zero_applications=False)
    rewrite_prose(spec, 7, vary=False)
    planted = copy.deepcopy(spec)
    expected = plant(planted)
    if plant in TABLE_PLANTS:
        rewrite_prose(planted, 7, vary=False)  # the prose restates the (now planted) table numbers
    for kind, review in reviews(planted).items():
        errors = {f.rule_id for f in review.findings if f.severity == "error"}
        assert errors == expected, (kind, [f.message for f in review.findings])


def test_root_cause_prefers_the_fix_the_prose_agrees_with():
    """三 alternatives fix the 结转 break equally; the prose still states the old 结转 number."""
    spec = consistent_spec(agency="某市示例局", year=2023, seed=7, zero_applications=False)
    rewrite_prose(spec, 7, vary=False)
    stated = spec.table3["forward"]["total"]
    assert f"{stated}件结转下年度继续办理" in "".join(spec.sections["一"]) or \
        f"结转下年度继续办理{stated}件" in "".join(sum(spec.sections.values(), []))
    planted = copy.deepcopy(spec)
    _plant_carry(planted)  # forward +1 in 自然人 and 总计, prose unchanged
    review = reviews(planted)["txt"]
    (rc,) = [f for f in review.findings if f.rule_id == "arithmetic.root_cause"]
    assert rc.message.index("最可能的更正") < rc.message.index("结转下年度继续办理 / 总计")
    assert f"由{stated + 1}改为{stated}" in rc.message.split("其他同样")[0]
