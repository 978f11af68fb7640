"""structure.* rules: the six sections, their numbering and order, each table in its section, every row,
and the template of the right year."""

from __future__ import annotations

import re

from rulehelpers import clean_spec, only, render, review, to_txt_2019

H4 = "四、政府信息公开行政复议、行政诉讼情况\n"
H5 = "五、存在的主要问题及改进情况\n"
H6 = "六、其他需要报告的事项\n"


def _txt(spec=None) -> str:
    return render(spec or clean_spec())


def _table4_block(text: str) -> str:
    """The flattened table of section 四: from its first cell to the blank lines that close it."""
    start = text.index(H4) + len(H4)
    end = text.index(H5)
    block = text[start:end]
    assert block.startswith("\t行政复议")
    return block


def _section(text: str, heading: str, next_heading: str) -> str:
    return text[text.index(heading):text.index(next_heading)]


# --- structure.missing_section ------------------------------------------------------------------

def test_missing_section_fires_when_section_six_is_absent():
    text = _txt()
    text = text[:text.index(H6)]  # section 六 is last: drop it with its paragraphs
    (f,) = only(review(text), "structure.missing_section")
    assert f.severity == "error"
    assert "六、其他需要报告的事项" in f.message


def test_missing_section_silent_for_a_known_variant_heading():
    text = _txt().replace(H6, "六、其他事项\n")
    assert review(text).findings == []


# --- structure.duplicate_section ----------------------------------------------------------------

def test_duplicate_section_fires_for_a_heading_printed_twice():
    text = _txt().replace(H5, H5 + H5)
    (f,) = only(review(text), "structure.duplicate_section")
    assert f.severity == "warning"
    assert "2次" in f.message
    assert [loc.text for loc in f.locations] == [H5.strip()] * 2
    assert f.locations[0].span[0] < f.locations[1].span[0]


def test_duplicate_section_silent_when_titles_are_only_mentioned_in_prose():
    spec = clean_spec()
    spec.sections["六"].append("本报告第五部分“存在的主要问题及改进情况”所列问题已逐项建立整改台账。")
    assert review(_txt(spec)).findings == []


# --- structure.section_numbering ----------------------------------------------------------------

def test_section_numbering_fires_for_a_misnumbered_heading():
    text = _txt().replace(H6, "七、其他需要报告的事项\n")
    (f,) = only(review(text), "structure.section_numbering")
    assert f.severity == "warning"
    assert "七、其他需要报告的事项" in f.message and "第六部分" in f.message
    assert f.locations[0].text == "七、其他需要报告的事项"


def test_section_numbering_silent_for_a_dot_after_the_numeral():
    text = _txt().replace(H6, "六.其他需要报告的事项\n")
    assert review(text).findings == []


# --- structure.section_order --------------------------------------------------------------------

def test_section_order_fires_when_sections_five_and_six_are_swapped():
    text = _txt()
    five = _section(text, H5, H6)
    six = text[text.index(H6):]
    text = text.replace(five + six, six + five)
    (f,) = only(review(text), "structure.section_order")
    assert f.severity == "warning"
    assert "一、二、三、四、六、五" in f.message


def test_section_order_silent_in_standard_order():
    assert review(_txt()).findings == []


# --- structure.table_outside_section ------------------------------------------------------------

def test_table_outside_section_fires_when_table_four_precedes_its_heading():
    text = _txt()
    block = _table4_block(text)
    text = text.replace(H4 + block, block + H4)  # the wuhai layout: table first, heading after
    (f,) = only(review(text), "structure.table_outside_section")
    assert f.severity == "error"
    assert "政府信息公开行政复议、行政诉讼情况表" in f.message and "之前" in f.message
    cell, heading = f.locations
    assert cell.table == "table4" and cell.column == "review_upheld"
    assert heading.text == H4.strip()
    assert cell.span[0] < heading.span[0]


def test_table_outside_section_silent_when_table_sits_under_its_heading():
    assert review(_txt()).findings == []


# --- structure.missing_table --------------------------------------------------------------------

def test_missing_table_fires_when_section_four_has_no_table():
    text = _txt()
    text = text.replace(_table4_block(text), "本年度未发生因政府信息公开引起的行政复议、行政诉讼。\n")
    (f,) = only(review(text), "structure.missing_table")
    assert f.severity == "error"
    assert "第四部分" in f.message and "政府信息公开行政复议、行政诉讼情况表" in f.message


def test_missing_table_fires_for_a_missing_section_two_sub_table():
    text = _txt()
    text, n = re.subn(r"\t第二十条第（五）项\n.*?(?=\t第二十条第（六）项)", "", text, flags=re.S)
    assert n == 1
    (f,) = only(review(text), "structure.missing_table")
    assert "第二十条第（五）项" in f.message and "第二部分" in f.message


def test_missing_table_silent_for_all_zero_tables():
    spec = clean_spec(seed=1)
    spec.table4 = {k: 0 for k in spec.table4}
    assert review(_txt(spec)).findings == []


# --- structure.missing_rows ---------------------------------------------------------------------

def test_missing_rows_fires_when_a_table_three_row_is_dropped():
    spec = clean_spec()
    assert all(v == 0 for v in spec.table3["withheld_query"].values())
    text = _txt(spec)
    text, n = re.subn(r"\t8\.属于行政查询事项\n(?:\t0\n){7}\n\t\n", "", text)
    assert n == 1
    (f,) = only(review(text), "structure.missing_rows")
    assert f.severity == "warning"  # the row may be there under other words
    assert "8.属于行政查询事项" in f.message


def test_missing_rows_silent_when_every_row_is_present():
    assert review(_txt()).findings == []


# --- structure.outdated_template ----------------------------------------------------------------

def test_outdated_template_fires_for_a_2023_report_in_the_2019_layout():
    (f,) = only(review(to_txt_2019(clean_spec(year=2023))), "structure.outdated_template")
    assert f.severity == "error"
    assert "2023年度" in f.message and "国办公开办函〔2019〕60号" in f.message
    assert "国办公开办函〔2021〕30号" in f.message


def test_outdated_template_silent_for_a_2020_report_in_the_2019_layout():
    result = review(to_txt_2019(clean_spec(year=2020)))
    assert result.findings == []
    assert result.format == "gov-disclosure-2019"


def test_outdated_template_silent_for_a_2023_report_in_the_2021_layout():
    assert review(_txt(clean_spec(year=2023))).findings == []
