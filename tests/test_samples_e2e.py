"""End to end on the real drafts: the sample's 11 known errors, its corrected copy, and the
published reports of shared/samples/real (copied into tests/fixtures so CI needs nothing else)."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from reviewer.pipeline import ReviewOptions, review_path

FIX = Path(__file__).parent / "fixtures"
NO_LLM = ReviewOptions(use_llm=False)


def errors(review):
    return [f for f in review.findings if f.severity == "error"]


@pytest.fixture(scope="module")
def wuhai():
    return review_path(FIX / "wuhai-gxj-2023.txt", NO_LLM)


def test_sample_reports_exactly_its_eleven_errors(wuhai):
    got = Counter(f.rule_id for f in errors(wuhai))
    assert got == Counter({
        "period.title_vs_period": 1,          # 1. title 2023, period 2024
        "period.narrative_year": 1,           # 2. 2024 work “done” in section 五
        "crossref.parts_exceed_whole": 1,     # 3. 24 + 1538 + 533 > 1248
        "crossref.claim_vs_table": 2,         # 4, 5. prose 1 vs table 2 (新收, 予以公开)
        "table3.row_total": 2,                # 6, 7. rows 一 and （一）
        "table3.results_total": 1,            # 8. 商业企业 column （七）
        "table3.balance": 1,                  # 9. 商业企业 column 勾稽关系
        "structure.table_outside_section": 1,  # 10. table 四 before its heading
        "format.converter_artefact": 1,       # 11. [bookmark: _GoBack]
        "arithmetic.root_cause": 1,           # the correction that explains 6–9 (each marked derived_from it)
    })
    assert wuhai.report.agency == "乌海市工业和信息化局" and wuhai.report.year == 2023
    assert wuhai.report.period.start == "2024-01-01"


def _one(review, rule_id, **match):
    hits = [f for f in review.findings if f.rule_id == rule_id and all(
        getattr(f, k) == v for k, v in match.items())]
    assert len(hits) == 1, (rule_id, [f.message for f in review.findings if f.rule_id == rule_id])
    return hits[0]


def test_sample_findings_point_at_their_places(wuhai):
    doc_text = (FIX / "wuhai-gxj-2023.txt").read_text(encoding="utf-8")

    def texts(f):
        return [doc_text[loc.span[0]:loc.span[1]] for loc in f.locations if loc.span]

    period = _one(wuhai, "period.title_vs_period")
    assert any("2024年1月1日" in t for t in texts(period)) and any("2023年" in t for t in texts(period))
    year = _one(wuhai, "period.narrative_year")
    assert texts(year) == ["2024年"] and year.locations[0].section == "五"
    parts = _one(wuhai, "crossref.parts_exceed_whole")
    assert texts(parts) == ["1248", "24", "1538", "533"] and parts.actual == "2095"
    claims = [f for f in wuhai.findings if f.rule_id == "crossref.claim_vs_table"]
    assert {(c.locations[1].row, c.locations[1].column, c.expected, c.actual) for c in claims} == {
        ("new", "total", "2", "1"), ("disclosed", "total", "2", "1")}
    balance = _one(wuhai, "table3.balance")
    assert {(loc.row, loc.column) for loc in balance.locations} == {
        ("new", "commercial"), ("carried", "commercial"), ("results_total", "commercial"), ("forward", "commercial")}
    assert all(loc.span and doc_text[loc.span[0]:loc.span[1]].strip() in "012" for loc in balance.locations)
    placement = _one(wuhai, "structure.table_outside_section")
    assert placement.locations[0].table == "table4"
    artefact = _one(wuhai, "format.converter_artefact")
    assert texts(artefact) == ["[bookmark: _GoBack]"] and artefact.locations[0].section == "五"


def test_sample_groups_the_four_relation_errors_under_one_root_cause(wuhai):
    rc = _one(wuhai, "arithmetic.root_cause")
    assert rc.severity == "error" and rc.message.startswith("把")  # the error IS the correction
    members = [f for f in wuhai.findings if f.group == rc.group and f is not rc]
    assert {f.rule_id for f in members} == {"table3.row_total", "table3.results_total", "table3.balance"}
    assert len(members) == 4 and all(f.derived_from == rc.id for f in members)
    # no 应为/实为 on a derived relation: the 应为 of a 总计 cell would name the wrong cell to change
    assert all(f.expected is None and f.actual is None for f in members)
    assert {(loc.row, loc.column) for loc in rc.locations} == {("new", "commercial"), ("disclosed", "commercial")}
    assert "由1改为2" in rc.message
    first = wuhai.findings.index(rc)  # the root cause comes first, its derived relations right after it
    assert wuhai.findings[first + 1:first + 5] == members


def test_sample_text_shows_one_card_per_root_cause_and_places_on_paper(wuhai):
    from reviewer.render.terminal import render_text

    text = render_text(wuhai)
    assert "错误 8 · 警告 0 · 提示 0（另有4条由根因导致的勾稽关系不成立，已并入根因）" in text
    assert "由此导致4条勾稽关系不成立" in text and "表三 · 一、本年新收 · 商业企业" in text
    assert "第五部分第1段" in text


def test_corrected_sample_has_no_error():
    review = review_path(FIX / "wuhai-gxj-2023-corrected.txt", NO_LLM)
    assert review.status == "ok"
    assert errors(review) == []


@pytest.mark.parametrize("name, agency, year", [
    ("pingtan-2021.txt", "平潭综合实验区", 2021),
    ("pingtan-2024.txt", "平潭综合实验区", 2024),
    ("sh-kewei-2024.md", "上海市科委", 2024),
    ("shuyang-fgj-2023.html", "沭阳县发展和改革局", 2023),
])
def test_real_reports_are_read_with_agency_year_and_no_error(name, agency, year):
    review = review_path(FIX / "real" / name, NO_LLM)
    assert review.status == "ok"
    assert (review.report.agency, review.report.year) == (agency, year)
    assert review.report.period.start == f"{year}-01-01" and review.report.period.end == f"{year}-12-31"
    assert errors(review) == [], [f.message for f in errors(review)]


def _tables(name):
    from reviewer.extract import extract
    from reviewer.ingest import read_path

    return extract(read_path(FIX / "real" / name)).tables


def test_pingtan_2021_run_together_digits_are_split_by_the_relations():
    t = _tables("pingtan-2021.txt")
    t3 = t["table3"]
    assert t3.readable and t3.inferred
    assert [t3.value("new", c) for c in ("natural", "commercial", "research", "nonprofit", "legal", "other", "total")] \
        == [64, 0, 0, 2, 0, 4, 70]
    assert t3.value("forward", "total") == 1  # “1 application carried to next year”
    assert t3.value("results_total", "total") == 69
    t4 = t["table4"]
    assert [t4.value("counts", c) for c in ("review_total", "direct_upheld", "direct_total", "after_total")] == [3, 12, 12, 0]
    # 行政规范性文件 “693665” has no relation to decide 69/3/665 from 6/93/665 …: not guessed
    assert not t["table2_1"].readable and t["table2_1"].get("normative", "issued") is None
    assert t["table2_5"].value("license", "decisions") == 2293


def test_pingtan_2024_tables_with_spaces_inside_labels():
    t3 = _tables("pingtan-2024.txt")["table3"]
    assert t3.readable and t3.value("new", "total") == 218 and t3.value("withheld_internal", "total") == 32
    review = review_path(FIX / "real" / "pingtan-2024.txt", NO_LLM)
    assert {f.rule_id for f in review.findings} >= {"format.table_unreadable"}


def test_shanghai_fragments_are_reassembled_and_the_blank_cell_is_explained():
    t3 = _tables("sh-kewei-2024.md")["table3"]
    assert t3.readable and not t3.missing_rows
    assert t3.value("partial", "total") == 0 and t3.value("unavailable_create", "total") == 6
    assert t3.value("other_no_correction", "total") == 10
    assert t3.get("forward", "total").status == "blank"
    review = review_path(FIX / "real" / "sh-kewei-2024.md", NO_LLM)
    blank = _one(review, "format.blank_cell")
    assert blank.severity == "warning" and "应为1" in blank.suggestion
    numbering = _one(review, "structure.section_numbering")
    assert numbering.severity == "warning"


def test_shuyang_plan_year_is_flagged():
    review = review_path(FIX / "real" / "shuyang-fgj-2023.html", NO_LLM)
    plan = _one(review, "period.plan_year")
    assert plan.locations[0].section == "五" and "2023" in plan.locations[0].text
    assert _one(review, "format.blank_cell").severity == "info"  # blanks read as 0 satisfy every relation


def run_cli(*args):
    return subprocess.run([sys.executable, "-m", "reviewer.cli", *args], capture_output=True, text=True, timeout=120)


def test_cli_json_shape_and_exit_codes(tmp_path):
    proc = run_cli("review", str(FIX / "wuhai-gxj-2023.txt"), str(FIX / "wuhai-gxj-2023-corrected.txt"),
                   "--format", "json", "--no-llm")
    assert proc.returncode == 1
    data = json.loads(proc.stdout)
    assert [len([f for f in r["findings"] if f["severity"] == "error"]) for r in data["reviews"]] == [12, 0]
    first = data["reviews"][0]
    assert set(first) >= {"review_id", "source", "status", "format", "report", "findings", "llm", "error"}
    assert first["llm"]["status"] == "skipped"
    assert run_cli("review", str(FIX / "wuhai-gxj-2023-corrected.txt"), "--no-llm").returncode == 0
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    proc = run_cli("review", str(empty), "--format", "json")
    assert proc.returncode == 2 and json.loads(proc.stdout)["reviews"][0]["error"]["code"] == "input.empty"
    assert run_cli("review", str(tmp_path / "missing.txt")).returncode == 2
    assert run_cli("review").returncode == 2  # usage


def test_cli_text_output_is_chinese_and_grouped():
    proc = run_cli("review", str(FIX / "wuhai-gxj-2023.txt"), "--no-llm")
    assert "错误 8" in proc.stdout and "【三、收到和处理政府信息公开申请情况】" in proc.stdout
    assert "大模型审核：已跳过" in proc.stdout and "\033[" not in proc.stdout  # no colour when piped


def test_cli_rules_lists_every_rule():
    from reviewer.checks import RULES

    proc = run_cli("rules", "--format", "json")
    ids = {r["id"] for r in json.loads(proc.stdout)}
    assert ids == set(RULES) and len(ids) >= 25


def test_output_into_a_closed_pipe_ends_quietly():
    """`reviewer review x | head -1`: the reader leaves early; no BrokenPipeError traceback."""
    root = Path(__file__).resolve().parents[1]
    proc = subprocess.run(f"'{sys.executable}' -m reviewer review examples/wuhai-gxj-2023.txt --no-llm | head -1",
                          shell=True, capture_output=True, text=True, cwd=root)
    assert proc.stdout.strip() and "Traceback" not in proc.stderr, proc.stderr
