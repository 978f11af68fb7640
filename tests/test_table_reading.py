"""Run-together digits (crawled pages, “640020470” = 64,0,0,2,0,4,70): split where exactly one split
satisfies the table's relations (format.cells_inferred), else format.table_unreadable and no
arithmetic finding for that table."""

from __future__ import annotations


import pytest
from rulehelpers import applications_spec, clean_spec, crawled, fired, render, review

from reviewer.extract import extract
from reviewer.ingest import read_bytes

T3 = "收到和处理政府信息公开申请情况表"
ARITHMETIC = ("table3.row_total", "table3.results_total", "table3.balance", "arithmetic.root_cause")

# the applications table of pingtan-2021.txt (a real crawled page), as result counts
PINGTAN_2021 = {
    ("disclosed", "natural"): 27, ("disclosed", "nonprofit"): 2, ("disclosed", "other"): 1,
    ("partial", "natural"): 5, ("withheld_internal", "natural"): 1, ("withheld_enforcement", "natural"): 6,
    ("withheld_query", "natural"): 1, ("unavailable_none", "natural"): 22, ("unavailable_none", "other"): 3,
    ("other_other", "natural"): 1,
}


def _pingtan_spec():
    spec = applications_spec(PINGTAN_2021, forward={"natural": 1})
    assert list(spec.table3["new"].values()) == [64, 0, 0, 2, 0, 4, 70]
    return spec


def _table_findings(result, rule_id: str, title: str):
    return [f for f in fired(result, rule_id) if title in f.message]


def test_crawled_digits_are_written_without_separators():
    text = crawled(_pingtan_spec())
    assert "一、本年新收政府信息公开申请数量640020470二、" in text


def test_unique_split_recovers_every_cell_and_marks_it_inferred():
    spec = _pingtan_spec()
    facts = extract(read_bytes(crawled(spec).encode(), "pingtan.txt"))
    table = facts.tables["table3"]
    assert table.readable and table.inferred
    for row, cols in spec.table3.items():
        for col, value in cols.items():
            assert table.value(row, col) == value, (row, col)
    assert table.get("new", "natural").inferred and table.get("new", "total").inferred
    # the cell's span covers exactly its digits in the run
    new_natural = table.get("new", "natural").location
    assert new_natural.text == "64" and new_natural.span[1] - new_natural.span[0] == 2


def test_unique_split_gives_an_info_and_no_arithmetic_finding():
    result = review(crawled(_pingtan_spec()))
    (f,) = _table_findings(result, "format.cells_inferred", T3)
    assert f.severity == "info"
    assert all(loc.table == "table3" for loc in f.locations)
    assert not any(fired(result, r) for r in ARITHMETIC)
    assert not _table_findings(result, "format.table_unreadable", T3)
    assert not fired(result, "crossref.claim_vs_table")


def test_several_splits_make_the_table_unreadable_without_arithmetic_findings():
    # 自然人 1 + 商业企业 10 = 11 prints as “110000011”, as does 自然人 11 + 商业企业 0: rows 一, （一） and
    # （七） can be cut either way, and both ways satisfy every relation
    spec = applications_spec({("disclosed", "natural"): 1, ("disclosed", "commercial"): 10})
    text = crawled(spec)
    assert "一、本年新收政府信息公开申请数量110000011" in text
    result = review(text)
    (f,) = _table_findings(result, "format.table_unreadable", T3)
    assert f.severity == "warning"
    assert "多种拆分方式" in f.message and "本年新收政府信息公开申请数量" in f.message
    assert not _table_findings(result, "format.cells_inferred", T3)
    assert not any(fired(result, r) for r in ARITHMETIC)
    assert not fired(result, "crossref.claim_vs_table")


def test_no_valid_split_makes_the_table_unreadable_without_arithmetic_findings():
    spec = clean_spec()
    spec.table3["new"]["total"] += 1  # row 一 now prints “53011011”: no cut adds up
    result = review(crawled(spec))
    (f,) = _table_findings(result, "format.table_unreadable", T3)
    # it says which relation cannot hold under any split (issue 14)
    assert "无论怎样拆分" in f.message and "本年新收政府信息公开申请数量" in f.message
    assert "各类申请人之和应等于总计" in f.message
    assert not any(fired(result, r) for r in ARITHMETIC)


def test_a_row_with_as_many_digits_as_cells_is_certain_and_its_failure_an_error():
    spec = clean_spec()
    spec.table3["carried"] = {c: 0 for c in spec.table3["carried"]}
    spec.table3["carried"]["natural"] = 3  # crawled “3000000”: one digit per cell, 总计 0 — no other reading
    result = review(crawled(spec))
    assert "二、上年结转政府信息公开申请数量3000000" in crawled(spec)
    assert not _table_findings(result, "format.table_unreadable", T3)
    (f,) = [f for f in fired(result, "table3.row_total") if f.locations[0].row == "carried"]
    assert f.severity == "error"
    assert result.report.cells["table3/carried/natural"] == 3 and result.report.cells["table3/carried/total"] == 0


def test_fewer_digits_than_cells_stays_unreadable():
    spec = clean_spec()
    spec.table3["carried"] = {c: 0 for c in spec.table3["carried"]}
    spec.table3["carried"]["natural"] = 3
    # a blank vanished: six digits for seven cells, so which cell is missing is unknown
    text = crawled(spec).replace("二、上年结转政府信息公开申请数量3000000", "二、上年结转政府信息公开申请数量300000")
    assert "数量300000" in text
    result = review(text)
    assert not [f for f in result.findings if f.severity == "error"]
    assert [f for f in result.findings if f.severity == "warning" and "收到和处理政府信息公开申请情况表" in f.message]
    assert result.report.cells["table3/carried/natural"] is None  # not guessed


def test_ambiguous_section_two_row_is_unreadable_and_not_guessed():
    spec = clean_spec()
    assert spec.table2["normative"] == {"issued": 1, "abolished": 0, "in_force": 20}  # “1020”: 1,0,20 or 10,2,0
    result = review(crawled(spec))
    (f,) = _table_findings(result, "format.table_unreadable", "第二十条第（一）项")
    assert f.severity == "warning"
    facts = extract(read_bytes(crawled(spec).encode(), "x.txt"))
    assert facts.tables["table2_1"].value("normative", "in_force") is None


def test_single_digit_cells_of_table_four_are_read_in_order():
    spec = clean_spec()
    facts = extract(read_bytes(crawled(spec).encode(), "x.txt"))
    table = facts.tables["table4"]
    assert table.readable
    assert {c: table.value("counts", c) for c in spec.table4} == spec.table4


def test_separated_cells_are_not_marked_inferred():
    flat = extract(read_bytes(render(clean_spec()).encode(), "x.txt"))
    assert not flat.tables["table3"].inferred
    assert not any(c.inferred for c in flat.tables["table3"].cells.values())
    assert not fired(review(render(clean_spec())), "format.cells_inferred")


def test_unreadable_table_gives_no_arithmetic_finding_even_if_its_unique_rows_disagree():
    # two rows that can be cut either way, compensating each other (so several splits survive), and a
    # broken 勾稽关系 among rows that split uniquely
    spec = applications_spec({("withheld_process", "natural"): 1, ("withheld_process", "commercial"): 10,
                              ("withheld_internal", "natural"): 11, ("disclosed", "natural"): 2})
    spec.table3["new"]["natural"] += 1
    spec.table3["new"]["total"] += 1
    result = review(crawled(spec))
    assert _table_findings(result, "format.table_unreadable", T3)
    assert not any(fired(result, r) for r in ARITHMETIC)
    assert not fired(result, "crossref.claim_vs_table")


def test_unreadable_table_points_at_the_row_it_could_not_split():
    spec = applications_spec({("disclosed", "natural"): 1, ("disclosed", "commercial"): 10})
    result = review(crawled(spec))
    (f,) = _table_findings(result, "format.table_unreadable", T3)
    assert f.locations and f.locations[0].text in ("110000011", "一、本年新收政府信息公开申请数量110000011")


def _one_line_page(spec) -> str:
    """A crawled page whose whole body is one line, cells apart by spaces, headings numbered “1、”…“6、”."""
    import reportgen

    lines = reportgen.to_txt_flattened(spec).decode("utf-8").split("\n")
    title, body = lines[0], [line.strip() for line in lines[1:] if line.strip()]
    text = " ".join(body)
    for i, numeral in enumerate("一二三四五六", 1):
        text = text.replace(f"{numeral}、{reportgen.SECTION_HEADINGS[numeral][2:]}",
                            f"{i}、{reportgen.SECTION_HEADINGS[numeral][2:]}")
    return f"{title}\n{text}\n"


def test_a_heading_numeral_or_a_year_after_the_last_cell_is_not_a_cell() -> None:
    """“… 0 3、收到和处理…”, “… 0 0 2023年，…”: the number belongs to the words after it."""
    spec = clean_spec()
    spec.sections["四"] = ["2023年，本局未发生因政府信息公开引起的行政复议和行政诉讼。"]
    spec.table4 = {k: 0 for k in spec.table4}
    result = review(_one_line_page(spec))
    assert not [f for f in result.findings if f.severity != "info"], [f.message for f in result.findings]
    assert result.report is not None


def _plain_cell_lines(spec, zero: str = "0", page_numbers: bool = False) -> str:
    """One cell per line without the converter's tabs (pasted from a PDF viewer), zeros printed as ``zero``,
    optionally with the export's page numbers (“— 2 —”) between table rows."""
    import reportgen

    out, rows = [], 0
    for line in reportgen.to_txt_flattened(spec).decode("utf-8").split("\n"):
        cell = line.lstrip("\t")
        if line.startswith("\t") and cell.strip() == "0":
            cell = zero
        if not line.strip():
            rows += 1
            if page_numbers and rows % 9 == 0:
                out.append(f"\n— {rows // 9 + 1} —")
        out.append(cell)
    return "\n".join(out)


@pytest.mark.parametrize("zero", ["0", "-", "—"])
def test_dash_zeros_one_per_line_and_page_numbers_are_read(zero: str) -> None:
    spec = clean_spec()
    result = review(_plain_cell_lines(spec, zero, page_numbers=True))
    assert not [f for f in result.findings if f.severity != "info"], [f.message for f in result.findings]
    assert not fired(result, "structure.missing_rows")


# --- rows of real PDFs: labels by normalised text, a damaged label by position (issue 14) ---

def _damage(text: str, old: str, new: str) -> str:
    assert old in text
    return text.replace(old, new)


def _law_spec():
    return applications_spec({("withheld_law", "natural"): 1, ("disclosed", "natural"): 2})


@pytest.mark.parametrize("fmt", ["txt", "html", "md"])
def test_a_damaged_row_label_is_read_by_position_with_a_note(fmt):
    text = _damage(render(_law_spec(), fmt), "2.其他法律行政法规禁止公开", "2.其他法律行政止公开")
    result = review(text, f"draft.{fmt}")
    assert result.report.cells["table3/withheld_law/total"] == 1  # never leave a readable row unread
    assert not fired(result, "structure.missing_rows")
    (f,) = fired(result, "format.row_label_damaged")
    assert f.severity == "info" and f.actual == "2.其他法律行政止公开" and f.locations[0].row == "withheld_law"
    assert not [x for x in result.findings if x.severity == "error"]


@pytest.mark.parametrize("fmt", ["txt", "html"])
def test_a_wrapped_label_with_spaces_is_read_without_a_note(fmt):
    spec = applications_spec({("partial", "natural"): 2})
    brk = "\n" if fmt == "txt" else "<br>"
    text = _damage(render(spec, fmt), "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
                   f"（二）部分公开（区分处理的，只计这一情 形，不{brk}计其他情形）")
    result = review(text, f"draft.{fmt}")
    assert result.report.cells["table3/partial/total"] == 2
    assert not fired(result, "format.row_label_damaged") and not fired(result, "structure.missing_rows")


def _other_as_one_row(extra: int = 0):
    from reportgen import T3_ROWS_2019, ReportSpec

    class OneRow(ReportSpec):  # a 2021 report whose template prints （六）其他处理 as one row (WPS)
        t3_rows = property(lambda self: T3_ROWS_2019)

    spec = applications_spec({("other_no_correction", "natural"): 2, ("other_other", "commercial"): 1,
                              ("disclosed", "natural"): 3})
    t3 = spec.table3
    t3["other_handling"] = {c: sum(t3[r][c] for r in ("other_no_correction", "other_no_fee", "other_other"))
                            for c in t3["new"]}
    t3["other_handling"]["natural"] += extra
    t3["other_handling"]["total"] += extra
    spec.__class__ = OneRow
    return spec


@pytest.mark.parametrize("fmt", ["txt", "html", "docx"])
def test_other_handling_printed_as_one_row_is_accepted_and_checked(fmt):
    from rulehelpers import review_spec

    result = review_spec(_other_as_one_row(), fmt)
    assert result.report.cells["table3/other_group/total"] == 3  # read, not left out
    assert not fired(result, "structure.missing_rows")
    assert [f for f in result.findings if f.severity != "info"] == []
    wrong = review_spec(_other_as_one_row(extra=1), fmt)  # the one row still takes part in the relations
    assert {f.rule_id for f in wrong.findings if f.severity == "error"} == {"table3.results_total"}
