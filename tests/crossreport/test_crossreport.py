"""Cross-report checks on generated reports: continuity across years and duplicates."""

from __future__ import annotations

import pytest

from batchgen import break_carry_over, copy_narrative, year_pair
from reportgen import RENDERERS, ReportSpec
from reviewer.crossreport import Report, check_reports, normalise_agency
from reviewer.extract import extract
from reviewer.ingest import read_bytes
from reviewer.pipeline import ReviewOptions, review_document


def report(spec: ReportSpec, fmt: str = "txt", name: str | None = None, reference: bool = False) -> Report:
    doc = read_bytes(RENDERERS[fmt](spec), name or f"{spec.agency}-{spec.year}.{fmt}")
    return Report(doc, extract(doc), review_document(doc, ReviewOptions(use_llm=False)), reference=reference)


def added(reports, rule_prefix: str = ""):
    return [(r, f) for r, f in check_reports(reports) if f.rule_id.startswith(rule_prefix)]


@pytest.mark.parametrize("a,b", [
    ("乌海市工业和信息化局", "乌海市工信局"),
    ("乌海市人民政府办公室", "乌海市政府办"),
    ("乌海市卫生健康委员会", "乌海市卫健委"),
    ("乌海市 发展和改革委员会", "乌海市发改委"),
    ("乌海市教育局办公室", "乌海市教育局"),
])
def test_agency_names_normalise_together(a, b):
    assert normalise_agency(a) == normalise_agency(b)


def test_agency_names_stay_apart():
    assert normalise_agency("乌海市教育局") != normalise_agency("包头市教育局")
    assert normalise_agency("乌海市信访办") == "乌海市信访办"


def test_consistent_years_give_nothing():
    prev, this = year_pair("乌海市民政局", seed=1)
    assert added([report(prev), report(this, "docx")]) == []


def test_carry_over_break_is_an_error_on_the_cell():
    prev, this = year_pair("乌海市民政局", seed=2)
    break_carry_over(this, "commercial")
    r_prev, r_this = report(prev), report(this, "docx")
    found = added([r_prev, r_this], "continuity.carry_over")
    assert {f.locations[0].label.split(" / ")[-1] if "/" in (f.locations[0].label or "") else "" for _, f in found}
    assert all(r is r_this for r, f in found)
    by_col = {f.message.split("列")[0]: f for _, f in found}
    assert set(by_col) == {"商业企业", "总计"}
    # the total differs: certain; the column alone could be a reassignment
    assert by_col["总计"].severity == "error" and by_col["商业企业"].severity == "warning"
    f = by_col["商业企业"]
    assert f.expected == str(prev.table3["forward"]["commercial"])
    assert f.actual == str(this.table3["carried"]["commercial"])
    loc = f.locations[0]
    assert r_this.doc.text[loc.span[0]:loc.span[1]] == f.actual and loc.section == "三"
    assert f in r_this.review.findings and not [x for x in r_prev.review.findings if x.category == "continuity"]


def test_carry_over_in_one_column_with_the_total_intact_is_a_warning():
    """After 机构改革 or a reassigned applicant category a column differs while the total holds."""
    prev, this = year_pair("乌海市民政局", seed=2)
    donor, receiver = "natural", "commercial"
    for row in ("new", "forward"):  # last year forwarded one more natural-person case (still balanced)
        prev.table3[row][donor] += 1
        prev.table3[row]["total"] += 1
    for row in ("carried", "forward"):  # this year counts it under 商业企业 (still balanced)
        this.table3[row][receiver] += 1
        this.table3[row]["total"] += 1
    found = added([report(prev), report(this)], "continuity.carry_over")
    assert {f.message.split("列")[0] for _, f in found} == {"自然人", "商业企业"}
    assert all(f.severity == "warning" for _, f in found)
    assert all("机构改革" in f.message and "类别" in f.message for _, f in found)


def test_in_force_is_a_warning():
    prev, this = year_pair("乌海市司法局", seed=3)
    this.table2["normative"]["in_force"] += 2
    r_this = report(this)
    found = added([report(prev), r_this], "continuity.in_force")
    assert len(found) == 1
    f = found[0][1]
    assert f.severity == "warning" and f.actual == str(int(this.table2["normative"]["in_force"]))
    assert int(f.expected) == int(this.table2["normative"]["in_force"]) - 2
    assert r_this.doc.text[slice(*f.locations[0].span)] == f.actual


def test_reference_folder_is_compared_but_not_annotated():
    prev, this = year_pair("乌海市审计局", seed=4)
    break_carry_over(this)
    ref = report(prev, reference=True)
    found = added([ref, report(this)], "continuity")
    assert found and all(not r.reference for r, _ in found)
    assert ref.review.findings == [f for f in ref.review.findings if f.category != "continuity"]


def test_copied_narrative_between_agencies_quotes_passages():
    a = year_pair("乌海市统计局", seed=5)[1]
    b = year_pair("包头市水利局", seed=6)[1]
    c = year_pair("赤峰市商务局", seed=7)[1]
    copy_narrative(b, a)
    reports = [report(a), report(b, "docx"), report(c)]
    found = added(reports, "duplicate.narrative")
    assert {r.facts.agency for r, _ in found} == {"乌海市统计局", "包头市水利局"}
    for r, f in found:
        assert f.evidence and f.locations
        for loc in f.locations:
            assert r.doc.text[loc.span[0]:loc.span[1]] == loc.text
            assert loc.section in ("一", "五", "六")
        assert any("乌海市统计局坚持" in q for q in f.evidence)


def test_this_year_equal_to_last_year():
    prev, this = year_pair("乌海市林业和草原局", seed=8)
    copy_narrative(this, prev)
    r_prev, r_this = report(prev), report(this)
    found = added([r_prev, r_this], "duplicate.narrative")
    assert [r for r, _ in found] == [r_this]
    assert "疑似沿用上年报告" in found[0][1].message


def test_independent_reports_are_not_duplicates():
    reports = [report(year_pair(f"乌海市第{i}局", seed=20 + i)[k]) for i in range(6) for k in (0, 1)]
    assert added(reports, "duplicate") == []


def test_same_agency_twice_in_a_batch():
    spec = year_pair("乌海市工业和信息化局", seed=9)[1]
    short = year_pair("乌海市工信局", seed=10)[1]
    r1, r2 = report(spec, name="gxj.txt"), report(short, "docx", name="工信局-2023.docx")
    found = added([r1, r2], "duplicate.submission")
    assert {r.doc.source for r, _ in found} == {"gxj.txt", "工信局-2023.docx"}
    assert "工信局-2023.docx" in found[0][1].message
