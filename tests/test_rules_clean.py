"""A fully consistent report gives no finding at all, whichever way it arrives; and every registered
rule has tests here that trigger it and that must not trigger it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from rulehelpers import RENDER, consistent_spec, review

from reviewer.checks import RULES

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


# rule id → (a test that makes it fire, a test on a close-but-correct draft where it must not), for the
# rules whose examples are not yet in their declaration (tests/test_rule_examples.py runs those); an entry
# goes when the rule's declaration gets its examples
RULE_TESTS = {
    "period.missing": ("test_rules_period.py::test_missing_period_fires_without_a_statistics_period_sentence",
                       "test_rules_period.py::test_missing_period_silent_for_other_wording_of_the_period"),
    "period.malformed": ("test_rules_period.py::test_malformed_period_fires_for_half_a_year",
                         "test_rules_period.py::test_malformed_period_silent_for_a_whole_calendar_year"),
    "period.unreadable": ("test_rules_period.py::test_unreadable_period_fires_when_period_is_named_but_has_no_dates",
                          "test_rules_period.py::test_unreadable_period_silent_for_a_year_or_months_without_days"),
    "period.title_year_missing": (
        "test_rules_period.py::test_title_year_missing_fires_when_the_title_has_no_year",
        "test_rules_period.py::test_title_year_missing_silent_for_a_year_in_chinese_numerals"),
    "period.stale_year": ("test_rules_period.py::test_stale_year_fires_for_an_opening_narrated_under_last_year",
                          "test_rules_period.py::test_stale_year_silent_for_comparisons_periods_and_last_years_review"),
    "period.plan_year": ("test_rules_period.py::test_plan_year_fires_for_a_plan_dated_in_the_report_year",
                         "test_rules_period.py::test_plan_year_silent_for_a_plan_dated_next_year"),
    "table3.row_total": ("test_rules_arithmetic.py::test_row_total_fires_when_categories_do_not_add_up_to_the_total",
                         "test_rules_arithmetic.py::test_row_total_silent_when_categories_add_up"),
    "table3.results_total": (
        "test_rules_arithmetic.py::test_results_total_fires_when_results_do_not_add_up_to_the_seventh_row",
        "test_rules_arithmetic.py::test_results_total_silent_when_results_spread_over_many_rows"),
    **{f"table4.{g}_total": ("test_rules_arithmetic.py::test_table4_total_fires_for_each_group",
                             "test_rules_arithmetic.py::test_table4_silent_when_every_group_adds_up")
       for g in ("review", "direct", "after")},
    "structure.duplicate_section": (
        "test_rules_structure.py::test_duplicate_section_fires_for_a_heading_printed_twice",
        "test_rules_structure.py::test_duplicate_section_silent_when_titles_are_only_mentioned_in_prose"),
    "structure.section_numbering": (
        "test_rules_structure.py::test_section_numbering_fires_for_a_misnumbered_heading",
        "test_rules_structure.py::test_section_numbering_silent_for_a_dot_after_the_numeral"),
    "structure.section_order": (
        "test_rules_structure.py::test_section_order_fires_when_sections_five_and_six_are_swapped",
        "test_rules_structure.py::test_section_order_silent_in_standard_order"),
    "structure.table_outside_section": (
        "test_rules_structure.py::test_table_outside_section_fires_when_table_four_precedes_its_heading",
        "test_rules_structure.py::test_table_outside_section_silent_when_table_sits_under_its_heading"),
    "structure.missing_table": (
        "test_rules_structure.py::test_missing_table_fires_when_section_four_has_no_table",
        "test_rules_structure.py::test_missing_table_silent_for_all_zero_tables"),
    "structure.missing_rows": (
        "test_rules_structure.py::test_missing_rows_fires_when_a_table_three_row_is_dropped",
        "test_rules_structure.py::test_missing_rows_silent_when_every_row_is_present"),
    "structure.outdated_template": (
        "test_rules_structure.py::test_outdated_template_fires_for_a_2023_report_in_the_2019_layout",
        "test_rules_structure.py::test_outdated_template_silent_for_a_2020_report_in_the_2019_layout"),
    "format.blank_cell": (
        "test_rules_format.py::test_blank_cell_warns_and_names_the_implied_value_when_the_blank_hides_a_count",
        "test_rules_format.py::test_blank_cell_silent_when_every_cell_holds_a_number"),
    "format.dash_cell": ("test_rules_format.py::test_dash_cell_is_an_info_for_a_dash_instead_of_zero",
                         "test_rules_format.py::test_dash_cell_silent_for_zero"),
    "format.non_numeric_cell": (
        "test_rules_format.py::test_non_numeric_cell_warns_for_words_in_a_count_cell",
        "test_rules_format.py::test_non_numeric_cell_silent_for_decimals_in_the_fee_amount_column"),
    "format.negative_count": ("test_rules_format.py::test_negative_count_fires_for_a_negative_number",
                              "test_rules_format.py::test_negative_count_silent_for_a_lone_dash"),
    "format.cells_inferred": (
        "test_table_reading.py::test_unique_split_gives_an_info_and_no_arithmetic_finding",
        "test_table_reading.py::test_separated_cells_are_not_marked_inferred"),
    "crossref.all_done_vs_table": (
        "test_rules_prose.py::test_all_done_fires_when_applications_are_carried_forward",
        "test_rules_prose.py::test_all_done_silent_for_a_subset_and_when_nothing_is_carried"),
    "crossref.percentage": (
        "test_rules_prose.py::test_percentage_fires_when_no_total_gives_the_share",
        "test_rules_prose.py::test_percentage_silent_when_a_reading_gives_the_printed_share"),
    "crossref.prose_totals": (
        "test_rules_prose.py::test_prose_totals_fires_when_the_prose_does_not_balance",
        "test_rules_prose.py::test_prose_totals_silent_when_the_prose_balances"),
    "format.table_unreadable": (
        "test_table_reading.py::test_several_splits_make_the_table_unreadable_without_arithmetic_findings",
        "test_table_reading.py::test_unique_split_gives_an_info_and_no_arithmetic_finding"),
    "structure.fee_statement_missing": (
        "test_rules_content.py::test_fee_statement_missing_fires_when_no_part_of_the_report_mentions_fees",
        "test_rules_content.py::test_fee_statement_missing_silent_when_the_statement_is_in_another_section"),
    "structure.problems_empty": (
        "test_rules_content.py::test_problems_empty_fires_for_an_empty_or_nothing_section_five",
        "test_rules_content.py::test_problems_empty_silent_for_a_short_concrete_section"),
    "structure.title_wording": ("test_rules_content.py::test_title_wording_fires_for_another_documents_name",
                                "test_rules_content.py::test_title_wording_silent_for_the_legitimate_variants"),
    "table2.fees_in_yuan": (
        "test_rules_plausibility.py::test_fees_in_yuan_fires_for_an_amount_in_yuan_under_the_wan_yuan_column",
        "test_rules_plausibility.py::test_fees_in_yuan_silent_for_amounts_plausible_for_the_level"),
    "table3.other_handling_share": (
        "test_rules_plausibility.py::test_other_handling_share_fires_when_the_catch_all_other_dominates",
        "test_rules_plausibility.py::"
        "test_other_handling_share_silent_for_specific_outcomes_few_cases_or_a_modest_share"),
    "format.doubled_word": ("test_rules_hygiene.py::test_doubled_word_fires_for_a_word_typed_twice",
                            "test_rules_hygiene.py::test_doubled_word_silent_for_reduplication_and_words_that_meet"),
    "format.list_ordinals": ("test_rules_hygiene.py::test_list_ordinals_fires_for_a_skipped_or_repeated_ordinal",
                             "test_rules_hygiene.py::test_list_ordinals_silent_for_restarts_nesting_and_references"),
}


def test_rules_without_declared_examples_keep_a_test_that_fires_them_and_one_that_must_not():
    from test_rule_examples import NOT_YET_DECLARED

    assert set(RULE_TESTS) == NOT_YET_DECLARED
    assert all(not RULES[r].examples for r in RULE_TESTS)
    here = Path(__file__).parent
    for rule_id, pair in RULE_TESTS.items():
        for ref in pair:
            file, name = ref.split("::")
            source = (here / file).read_text(encoding="utf-8")
            assert re.search(rf"^def {name}\(", source, re.M), f"{rule_id}: {ref} does not exist"
        fire_file, fire_name = pair[0].split("::")
        body = (here / fire_file).read_text(encoding="utf-8").split(f"def {fire_name}(")[1].split("\ndef ")[0]
        assert rule_id in body or rule_id.startswith("table4."), f"{rule_id} is not asserted in {pair[0]}"
