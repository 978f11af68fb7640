"""reviewer.checks.rootcause.localise: the fewest cells whose correction makes every relation hold."""

from __future__ import annotations

from fractions import Fraction

import pytest

from rulehelpers import applications_spec, clean_spec, wuhai_spec

from reviewer.checks.rootcause import implied_value, localise
from reviewer.formats import GOV_2021

T3 = GOV_2021.table("table3")
T4 = GOV_2021.table("table4")
INSTANCES = T3.relation_instances()


def _values(spec) -> dict[str, float]:
    return {f"{row}/{col}": float(v) for row, cols in spec.table3.items() for col, v in cols.items()}


def _broken(values: dict[str, float], instances=INSTANCES):
    return [i for i in instances
            if abs(sum(values[r] for r in i.lhs) - sum(values[r] for r in i.rhs)) > 1e-9]


def _fixes(values, instances=INSTANCES):
    return [fix.cells for fix in localise(instances, values, _broken(values, instances))]


def test_consistent_table_has_nothing_to_localise():
    values = _values(clean_spec())
    assert _broken(values) == []
    assert _fixes(values) == []


@pytest.mark.parametrize("ref", ["withheld_process/natural", "new/commercial", "results_total/natural",
                                 "forward/legal", "disclosed/total"])
def test_single_planted_error_is_localised_to_its_cell_with_the_correct_value(ref):
    spec = clean_spec()
    values = _values(spec)
    correct = values[ref]
    values[ref] = correct + 2
    assert len(_broken(values)) >= 2
    assert _fixes(values) == [{ref: Fraction(int(correct))}]


def test_wuhai_double_error_is_localised_to_the_pair_of_commercial_cells():
    values = _values(wuhai_spec())
    assert len(_broken(values)) == 4
    assert _fixes(values) == [{"disclosed/commercial": Fraction(2), "new/commercial": Fraction(2)}]


def test_equally_small_explanations_are_all_returned():
    # one application moved between two rows of one column: fixing either the two category
    # cells or the two 总计 cells makes every relation hold
    spec = applications_spec({("disclosed", "natural"): 2, ("partial", "natural"): 1})
    values = _values(spec)
    values["disclosed/natural"] = 3
    values["partial/natural"] = 0
    fixes = _fixes(values)
    assert {"disclosed/natural": Fraction(2), "partial/natural": Fraction(1)} in fixes
    assert {"disclosed/total": Fraction(3), "partial/total": Fraction(0)} in fixes
    assert len(fixes) == 2


def test_fixes_needing_negative_counts_are_refused():
    # 行政复议: 维持 3, 总计 1. Lowering 纠正/其他/尚未审结 (all 0) by 2 would “fix” it with −2: refused
    values = {ref: 0.0 for i in T4.relation_instances() for ref in i.refs}
    values["counts/review_upheld"] = 3.0
    values["counts/review_total"] = 1.0
    fixes = _fixes(values, T4.relation_instances())
    assert sorted(fixes, key=str) == [{"counts/review_total": Fraction(3)}, {"counts/review_upheld": Fraction(1)}]


def test_scattered_errors_beyond_three_cells_are_not_localised():
    spec = applications_spec({("disclosed", "natural"): 3, ("partial", "commercial"): 2,
                              ("unavailable_none", "legal"): 2, ("np_repeat", "other"): 2})
    values = _values(spec)
    for ref in ("disclosed/natural", "partial/commercial", "unavailable_none/legal", "np_repeat/other"):
        values[ref] += 1
    assert _fixes(values) == []


def test_implied_value_of_a_blank_cell():
    spec = applications_spec({("disclosed", "natural"): 3, ("partial", "natural"): 1})
    values = _values(spec)
    del values["partial/natural"]
    assert implied_value("partial/natural", INSTANCES, values) == 1


def test_implied_value_is_none_when_relations_disagree():
    spec = applications_spec({("disclosed", "natural"): 3, ("partial", "natural"): 1})
    values = _values(spec)
    del values["partial/natural"]
    values["partial/total"] = 4  # the row now implies 4, the column still implies 1
    assert implied_value("partial/natural", INSTANCES, values) is None
