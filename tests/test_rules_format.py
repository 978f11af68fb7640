"""format.* rules about the draft itself: converter artefacts and what sits in cells meant for numbers.

(format.cells_inferred and format.table_unreadable, about run-together digits, are in
test_table_reading.py.)
"""

from __future__ import annotations

import pytest

from rulehelpers import applications_spec, cells_of, clean_spec, fired, only, render, review, review_spec


# --- format.converter_artefact ------------------------------------------------------------------

def test_converter_artefact_fires_for_a_word_bookmark_left_in_section_five():
    spec = clean_spec()
    spec.sections["五"][0] = "[bookmark: _GoBack]" + spec.sections["五"][0]
    (f,) = only(review(render(spec)), "format.converter_artefact")
    assert f.severity == "error"
    assert "第五部分" in f.message and "[bookmark: _GoBack]" in f.message
    (loc,) = f.locations
    assert loc.text == "[bookmark: _GoBack]" and loc.section == "五"


def test_converter_artefact_counts_repeated_marks_in_one_finding():
    spec = clean_spec()
    spec.sections["一"][3] += "[bookmark: _GoBack]"
    spec.sections["五"][0] += "[bookmark: _GoBack]"
    (f,) = only(review(render(spec)), "format.converter_artefact")
    assert "共2处" in f.message and len(f.locations) == 2


def test_converter_artefact_silent_for_ordinary_brackets():
    spec = clean_spec()
    spec.sections["六"].append("【政策解读】栏目全年更新[注]内容，详见《条例》第五十条及附件[1]。")
    assert review(render(spec)).findings == []


# --- format.blank_cell --------------------------------------------------------------------------

def _all_blank(spec) -> dict:
    return {("table3", r, c): "" for r in spec.table3 for c in spec.table3[r]}


@pytest.mark.parametrize("fmt", ["txt", "html", "md"])
def test_blank_cell_is_only_an_info_for_a_table_left_blank_for_zero(fmt):
    spec = clean_spec(seed=1)
    spec.intro = [p.replace("政府信息公开行政复议和行政诉讼情况、", "") for p in spec.intro]
    (f,) = only(review_spec(spec, fmt, _all_blank(spec)), "format.blank_cell")
    assert f.severity == "info"
    assert "175个单元格留空" in f.message and "按0理解时勾稽关系成立" in f.message
    assert len(f.locations) == 175 and all(loc.table == "table3" for loc in f.locations)


@pytest.mark.parametrize("fmt", ["txt", "html", "md"])
def test_blank_cell_is_only_an_info_when_blanks_read_as_zero_satisfy_the_relations(fmt):
    spec = clean_spec()
    assert spec.table3["withheld_secret"]["commercial"] == 0 and spec.table3["np_mass"]["natural"] == 0
    blanks = {("table3", "withheld_secret", "commercial"): "", ("table3", "np_mass", "natural"): ""}
    (f,) = only(review_spec(spec, fmt, blanks), "format.blank_cell")
    assert cells_of(f) == {("table3", "withheld_secret", "commercial"), ("table3", "np_mass", "natural")}
    assert f.severity == "info"
    assert "2个单元格留空" in f.message and "按0理解时勾稽关系成立" in f.message


def test_all_blank_table_three_does_not_hide_table_four():
    spec = clean_spec(seed=1)  # the generated intro lists “…政府信息公开行政复议和行政诉讼情况…”
    result = review_spec(spec, "txt", _all_blank(spec))
    assert not fired(result, "structure.missing_table")
    only(result, "format.blank_cell")


def test_blank_cell_warns_and_names_the_implied_value_when_the_blank_hides_a_count():
    spec = applications_spec({("disclosed", "natural"): 3, ("partial", "natural"): 1})
    (f,) = only(review_spec(spec, "txt", {("table3", "partial", "natural"): ""}), "format.blank_cell")
    assert f.severity == "warning"
    assert cells_of(f) == {("table3", "partial", "natural")}
    assert "（二）部分公开（区分处理的，只计这一情形，不计其他情形） / 自然人”按勾稽关系应为1" in f.suggestion


def test_blank_cell_silent_when_every_cell_holds_a_number():
    assert review_spec(clean_spec()).findings == []


# --- format.dash_cell ---------------------------------------------------------------------------

@pytest.mark.parametrize("dash", ["-", "—", "/"])
def test_dash_cell_is_an_info_for_a_dash_instead_of_zero(dash):
    spec = clean_spec()
    (f,) = only(review_spec(spec, "txt", {("table3", "withheld_law", "research"): dash}), "format.dash_cell")
    assert f.severity == "info"
    assert cells_of(f) == {("table3", "withheld_law", "research")}
    assert "代替数字" in f.message


def test_dash_cell_silent_for_zero():
    spec = clean_spec()
    assert review_spec(spec, "txt", {("table3", "withheld_law", "research"): "0"}).findings == []


# --- format.non_numeric_cell --------------------------------------------------------------------

def test_non_numeric_cell_warns_for_words_in_a_count_cell():
    spec = clean_spec()
    spec.table2["license"]["decisions"] = 0
    (f,) = only(review_spec(spec, "txt", {("table2", "license", "decisions"): "若干"}), "format.non_numeric_cell")
    assert f.severity == "warning"
    assert f.actual == "若干" and "若干" in f.message
    assert cells_of(f) == {("table2_5", "license", "decisions")}


def test_non_numeric_cell_warns_for_a_fraction_in_a_count_column():
    spec = clean_spec()
    (f,) = only(review_spec(spec, "txt", {("table2", "penalty", "decisions"): "2.5"}), "format.non_numeric_cell")
    assert f.actual == "2.5" and cells_of(f) == {("table2_6", "penalty", "decisions")}


def test_non_numeric_cell_silent_for_decimals_in_the_fee_amount_column():
    spec = clean_spec()
    spec.table2["fees"]["amount"] = 12.35
    assert review_spec(spec).findings == []


def test_non_numeric_cell_silent_for_thousands_separators():
    spec = clean_spec()
    assert review_spec(spec, "txt", {("table2", "license", "decisions"): "1,234"}).findings == []


# --- format.negative_count ----------------------------------------------------------------------

def test_negative_count_fires_for_a_negative_number():
    spec = clean_spec()
    (f,) = only(review_spec(spec, "txt", {("table2", "normative", "abolished"): "-1"}), "format.negative_count")
    assert f.severity == "error"
    assert f.actual == "-1" and "-1" in f.message
    assert cells_of(f) == {("table2_1", "normative", "abolished")}


def test_negative_count_in_table_three_also_breaks_its_relations():
    spec = clean_spec()
    result = review_spec(spec, "txt", {("table3", "withheld_secret", "natural"): "-1"})
    (neg,) = fired(result, "format.negative_count")
    assert cells_of(neg) == {("table3", "withheld_secret", "natural")}
    assert fired(result, "table3.row_total") and fired(result, "table3.results_total")


def test_negative_count_silent_for_a_lone_dash():
    spec = clean_spec()
    result = review_spec(spec, "txt", {("table2", "normative", "abolished"): "-"})
    assert not fired(result, "format.negative_count")
    only(result, "format.dash_cell")


# --- locations quote the draft -------------------------------------------------------------------

@pytest.mark.parametrize("cell_text", ["—", "－", "５"])
def test_cell_locations_quote_the_draft_text_at_their_span(cell_text):
    from reviewer.extract import extract
    from reviewer.ingest import read_bytes

    doc = read_bytes(render(clean_spec(), "txt", {("table3", "new", "natural"): cell_text}).encode(), "x.txt")
    loc = extract(doc).tables["table3"].get("new", "natural").location
    assert doc.text[loc.span[0]:loc.span[1]] == cell_text
    assert loc.text == cell_text
