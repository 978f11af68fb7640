"""A fully consistent report gives no finding at all, whichever way it arrives. (Every rule's examples that
fire and stay silent are in its declaration and run in tests/test_rule_examples.py.)"""

from __future__ import annotations

import pytest

from rulehelpers import RENDER, consistent_spec, review


SEEDS = range(21)


@pytest.mark.parametrize("fmt", sorted(RENDER))
@pytest.mark.parametrize("seed", SEEDS)
def test_consistent_report_gives_no_finding(seed, fmt):
    spec = consistent_spec(agency="某市某局", year=2023, seed=seed)
    result = review(RENDER[fmt](spec), f"draft.{fmt}")
    assert [(f.rule_id, f.message) for f in result.findings] == []
    assert result.report.year == 2023 and result.format == "gov-disclosure-2021"


def test_consistent_reports_cover_zero_and_nonzero_tables():
    zero = [s for s in SEEDS if consistent_spec(seed=s).table3["new"]["total"] == 0]
    assert zero and len(zero) < len(SEEDS)
