"""What a new user tripped over (issue 10): Chinese usage errors, errors on stderr, counts with -o,
no internal block ids in the terminal, a directory has its own error code, XLSX 位置 names each
place once and properly."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import openpyxl

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "examples" / "wuhai-gxj-2023.txt"


def cli(*args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "reviewer.cli", *map(str, args)], capture_output=True, text=True,
                          timeout=120, cwd=ROOT)


def test_usage_errors_are_in_chinese_on_stderr():
    proc = cli("review")
    assert proc.returncode == 2 and proc.stdout == ""
    assert "用法：reviewer review" in proc.stderr and "错误：缺少必需的参数：PATH" in proc.stderr
    proc = cli("review", SAMPLE, "--format", "pdfx")
    assert proc.returncode == 2 and "无效的选项 'pdfx'" in proc.stderr
    proc = cli("review", SAMPLE, "--bogus")
    assert proc.returncode == 2 and "无法识别的参数：--bogus" in proc.stderr
    assert "位置参数" in cli("review", "--help").stdout


def test_a_directory_has_its_own_code_and_the_error_goes_to_stderr(tmp_path):
    proc = cli("review", tmp_path, "--no-llm")
    assert proc.returncode == 2 and proc.stdout == ""
    assert "[input.is_directory]" in proc.stderr and "reviewer batch" in proc.stderr
    proc = cli("review", tmp_path, "--no-llm", "--format", "json")
    assert json.loads(proc.stdout)["reviews"][0]["error"]["code"] == "input.is_directory"
    missing = cli("review", tmp_path / "无此文件.txt", "--no-llm")
    assert missing.returncode == 2 and "[input.not_found]" in missing.stderr and missing.stdout == ""


def test_output_file_is_reported_with_its_counts(tmp_path):
    out = tmp_path / "样例.审核.docx"
    proc = cli("review", SAMPLE, "--no-llm", "--format", "docx", "-o", out)
    assert proc.returncode == 1 and out.exists()
    assert f"已写出：{out}（错误 8 · 警告 0 · 提示 0；另有4条由根因导致，已并入）" in proc.stdout


def test_terminal_text_names_places_without_block_ids():
    proc = cli("review", SAMPLE, "--no-llm")
    assert proc.returncode == 1
    lines = [ln for ln in proc.stdout.splitlines() if "位置：" in ln]
    assert lines and not any("（b" in ln for ln in lines)
    assert "位置：第一部分第2段 “1248”“24”“1538”“533”" in proc.stdout  # where on paper, then the words
    for ln in lines:  # each place once
        places = ln.split("位置：", 1)[1].split("；")
        assert len(places) == len(set(places)), ln
    # the JSON keeps them, for renderers
    js = json.loads(cli("review", SAMPLE, "--no-llm", "--format", "json").stdout)
    assert any(loc.get("block_id") for f in js["reviews"][0]["findings"] for loc in f["locations"])


def test_xlsx_location_names_the_section_properly_and_once():
    from reviewer.ingest import read_path
    from reviewer.pipeline import ReviewOptions, review_document
    from reviewer.render.summary import xlsx_bytes

    review = review_document(read_path(SAMPLE), ReviewOptions(use_llm=False))
    wb = openpyxl.load_workbook(io.BytesIO(xlsx_bytes([review])))
    head, *rows = list(wb["审核意见"].iter_rows(values_only=True))
    col = head.index("位置")
    places = [r[col] or "" for r in rows]
    parts = next(p for r, p in zip(rows, places) if r[head.index("规则")] == "crossref.parts_exceed_whole")
    assert parts == "第一部分第2段"  # four numbers of one sentence in section 一: named once, usable on paper
    for p in places:
        names = [n for n in p.split("；") if n]
        assert len(names) == len(set(names)), p
        assert not any("部分" in n and not (n.startswith("第") or n.startswith("表")) for n in names), p


def test_readme_examples_and_links_point_at_files_in_the_repository():
    import re

    readme = (ROOT / "README.md").read_text("utf-8")
    uploads = re.findall(r'file=@([^"\s]+)', readme)
    assert uploads and all((ROOT / u).is_file() for u in uploads), uploads
    assert "curl -s" not in readme  # -s hid the failure
    for doc in re.findall(r"\]\(((?:docs|bench)/[^)#]+)\)", readme):
        assert (ROOT / doc).is_file(), doc
    assert "交付报告" not in readme
    # a clone has no ../shared: nothing in the project may send a reader there
    for path in [ROOT / "README.md", *ROOT.glob("docs/*.md"), *ROOT.glob("reviewer/**/*.py"), *ROOT.glob("bench/*")]:
        if path.is_file():
            text = path.read_text("utf-8", errors="replace")
            assert "shared/DESIGN" not in text and "DESIGN.md" not in text, path
