"""Batch summary exports read back: XLSX sheets, CSV rows, and the sortable HTML overview."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest

from reviewer.findings import Finding, Location, Review, ReportInfo, ReviewError
from reviewer.render.summary import csv_text, overview_html, rule_counts, write_summary


def _f(rule, sev, msg, text="1"):
    return Finding(rule_id=rule, category="arithmetic", severity=sev, message=msg,
                   locations=[Location(text=text, label="表三 / 总计")], suggestion="核对")


@pytest.fixture
def reviews():
    return [
        Review(review_id="1", source="b.docx", report=ReportInfo(agency="乌海市教育局", year=2023),
               findings=[_f("table3.balance", "error", "勾稽关系不成立"), _f("period.title", "error", "年度不符"),
                         _f("format.artefact", "warning", "=HYPERLINK(\"http://x\")", text="=1+1")]),
        Review(review_id="2", source="a.txt", report=ReportInfo(agency="乌海市财政局", year=2023),
               findings=[_f("table3.balance", "error", "勾稽关系不成立"), _f("table3.balance", "error", "勾稽关系不成立")]),
        Review(review_id="3", source="c.txt", report=ReportInfo(agency="阿拉善盟民政局", year=2023)),
        Review(review_id="4", source="broken.docx", status="failed",
               error=ReviewError(code="input.corrupt", message="Word 文件已损坏（corrupt）")),
    ]


def test_xlsx_three_sheets(reviews, tmp_path):
    path = write_summary(reviews, tmp_path / "summary.xlsx")
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["报告汇总", "审核意见", "规则统计"]
    rows = list(wb["报告汇总"].iter_rows(values_only=True))
    assert rows[0][:8] == ("序号", "文件", "机关", "年度", "状态", "错误", "警告", "提示")
    assert [r[2] for r in rows[1:]] == ["乌海市教育局", "乌海市财政局", "阿拉善盟民政局", None]
    assert rows[1][5:8] == (2, 1, 0) and rows[2][5] == 2 and rows[3][5] == 0
    assert rows[1][8] == "勾稽关系不成立；年度不符；=HYPERLINK(\"http://x\")"  # mid-text: harmless
    assert rows[4][4] == "无法审核" and "损坏" in rows[4][10]
    findings = list(wb["审核意见"].iter_rows(values_only=True))
    assert len(findings) == 1 + 5
    # draft text is never a formula in the workbook
    for row in wb["审核意见"].iter_rows(min_row=2):
        for cell in row:
            assert cell.data_type != "f"
    assert any(r[7] == "'=HYPERLINK(\"http://x\")" and r[9] == "'=1+1" for r in findings[1:])
    rules = list(wb["规则统计"].iter_rows(values_only=True))
    assert rules[1][:5] == ("table3.balance", "表格勾稽", "错误", 3, 2)
    assert {r[0] for r in rules[1:]} == {"table3.balance", "period.title", "format.artefact"}


def test_csv_reports_and_findings(reviews):
    rows = list(csv.reader(io.StringIO(csv_text(reviews).lstrip("\ufeff"))))
    assert rows[0][2] == "机关" and len(rows) == 5 and rows[2][2] == "乌海市财政局" and rows[2][5] == "2"
    frows = list(csv.reader(io.StringIO(csv_text(reviews, "findings").lstrip("\ufeff"))))
    assert len(frows) == 6 and frows[1][6] == "table3.balance"


def test_rule_counts_order(reviews):
    counts = rule_counts(reviews)
    assert [(c.rule_id, c.findings, c.reports) for c in counts][0] == ("table3.balance", 3, 2)


def test_overview_html_chart(reviews):
    html = overview_html(reviews)
    assert "<svg" in html and "<link" not in html and " src=" not in html  # offline: nothing fetched
    assert html.count("<tr class=") == 4


def test_overview_sorts_by_agency(browser, reviews, tmp_path):
    from selenium.webdriver.common.by import By

    page = tmp_path / "overview.html"
    page.write_text(overview_html(reviews), encoding="utf-8")
    browser.get(page.as_uri())
    header = browser.find_elements(By.CSS_SELECTOR, "#reports th")[2]
    assert header.text == "机关"
    agencies = lambda: [tr.find_elements(By.TAG_NAME, "td")[2].text
                        for tr in browser.find_elements(By.CSS_SELECTOR, "#reports tbody tr")]
    header.click()
    asc = agencies()
    header.click()
    assert agencies() == asc[::-1]
    assert sorted(a for a in asc if a) == sorted(["乌海市教育局", "乌海市财政局", "阿拉善盟民政局"])
