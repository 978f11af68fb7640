"""`reviewer batch` end to end as a user runs it: a zip or folder in, an XLSX summary out."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest

from batchgen import make_batch, zip_files
from reviewer.batch import read_zip

REVIEWER = [sys.executable, "-m", "reviewer.cli"]


def run(*args, cwd=None) -> subprocess.CompletedProcess:
    return subprocess.run([*REVIEWER, *map(str, args)], capture_output=True, text=True, timeout=300, cwd=cwd)


@pytest.fixture(scope="module")
def batch():
    return make_batch(12, carry_breaks={2, 7}, copies={(4, 9)}, seed=1)


def _zip(files: dict[str, bytes], path: Path) -> Path:
    path.write_bytes(zip_files(files))
    return path


def _rows(wb, sheet):
    rows = list(wb[sheet].iter_rows(values_only=True))
    head = rows[0]
    return [dict(zip(head, r)) for r in rows[1:]]


def test_zip_batch_summary(batch, tmp_path):
    z = _zip(batch.files, tmp_path / "报告.zip")
    out = tmp_path / "summary.xlsx"
    proc = run("batch", z, "-o", out, "-o", tmp_path / "summary.html", "--no-llm", "--jobs", "2")
    assert proc.returncode == 1, proc.stderr  # planted errors are errors
    assert "Traceback" not in proc.stderr
    wb = openpyxl.load_workbook(out)
    reports = _rows(wb, "报告汇总")
    assert [r["文件"] for r in reports] == sorted(batch.files)
    assert all(r["状态"] == "已审核" for r in reports)
    findings = _rows(wb, "审核意见")
    carry = {r["文件"] for r in findings if r["规则"] == "continuity.carry_over"}
    assert carry == batch.carry_breaks
    dup = {r["文件"] for r in findings if r["规则"] == "duplicate.narrative"}
    assert dup == {f for pair in batch.copied for f in pair}
    assert not [r for r in findings if r["规则"] in ("continuity.in_force", "duplicate.submission")]
    rules = {r["规则"]: r for r in _rows(wb, "规则统计")}
    assert rules["continuity.carry_over"]["涉及报告数"] == len(batch.carry_breaks)
    assert (tmp_path / "summary.html").read_text("utf-8").count("<tr class=\"ok\">") == len(batch.files)


def test_folder_with_reference_and_json(batch, tmp_path):
    this_year = tmp_path / "2023"
    last_year = tmp_path / "2022"
    for name, data in batch.files.items():
        folder = this_year if name.endswith(("2023.docx", "2023.txt")) else last_year
        (folder / "sub").mkdir(parents=True, exist_ok=True)
        (folder / "sub" / name).write_bytes(data)
    (this_year / "~$lock.docx").write_bytes(b"junk")  # Word lock files are not drafts
    proc = run("batch", this_year, "--reference", last_year, "--no-llm", "--json", "-j", "1")
    assert proc.returncode == 1, proc.stderr
    reviews = json.loads(proc.stdout)["reviews"]
    assert len(reviews) == len(batch.files) // 2
    carry = {Path(r["source"]).name for r in reviews if any(f["rule_id"] == "continuity.carry_over" for f in r["findings"])}
    assert carry == batch.carry_breaks


def test_unsafe_zip_entries_are_refused_not_fatal(batch, tmp_path):
    name, data = next(iter(batch.files.items()))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr(name, data)
        z.writestr("../../escape.txt", "一、总体情况")
        z.writestr("__MACOSX/._x.docx", b"\x00")
        z.writestr("empty.txt", "")
        z.writestr("XXXXXXXX.txt", data if name.endswith(".txt") else "某局2023年政府信息公开工作年度报告")
    # a name stored as GBK bytes without the UTF-8 flag, as Windows zip tools write it
    raw = buf.getvalue().replace(b"XXXXXXXX.txt", "中文名称.txt".encode("gbk"))
    buf = io.BytesIO(raw)
    sources = {s.name: s for s in read_zip(raw)}
    assert set(sources) == {name, "../../escape.txt", "empty.txt", "中文名称.txt"}
    assert sources["../../escape.txt"].error.code == "input.malicious"
    z = tmp_path / "mixed.zip"
    z.write_bytes(buf.getvalue())
    proc = run("batch", z, "-o", tmp_path / "s.csv", "--no-llm", "-j", "1")
    assert proc.returncode in (0, 1) and "Traceback" not in proc.stderr
    text = (tmp_path / "s.csv").read_text("utf-8-sig")
    assert "可疑路径" in text and "文件为空" in text and "中文名称.txt" in text


@pytest.mark.parametrize("target,needle", [
    ("missing-folder", "找不到"),
    ("one.docx", "单份报告"),
    ("notzip.bin", "不是文件夹或 zip"),
])
def test_bad_batch_input_exit_2(tmp_path, target, needle):
    (tmp_path / "one.docx").write_bytes(b"PK\x03\x04")
    (tmp_path / "notzip.bin").write_bytes(b"hello")
    proc = run("batch", tmp_path / target, "--no-llm")
    assert proc.returncode == 2 and needle in proc.stderr and "Traceback" not in proc.stderr


def test_empty_folder_exit_2(tmp_path):
    proc = run("batch", tmp_path, "--no-llm")
    assert proc.returncode == 2 and "没有可审核的报告" in proc.stderr


def test_non_report_files_are_skipped_with_the_reason(batch, tmp_path):
    """A README.md, notes and an .xlsx attachment in the folder: listed as skipped, no 无法审核 rows,
    no annotated copies."""
    folder = tmp_path / "各部门报告"
    folder.mkdir()
    names = sorted(batch.files)[:4]
    for name in names:
        (folder / name).write_bytes(batch.files[name])
    (folder / "README.md").write_text("# 说明\n\n本文件夹收集各部门2023年度报告。\n", encoding="utf-8")
    (folder / "附件-统计表.xlsx").write_bytes(b"PK\x03\x04not really a workbook")
    out, annotated = tmp_path / "汇总.xlsx", tmp_path / "批注稿"
    proc = run("batch", folder, "-o", out, "--annotated", annotated, "--no-llm", "--jobs", "1")
    assert proc.returncode in (0, 1), proc.stderr
    assert "已跳过 2 个非报告文件" in proc.stdout
    assert "README.md：不是政府信息公开工作年度报告" in proc.stdout
    assert "附件-统计表.xlsx：不是可审核的报告文件类型" in proc.stdout
    reports = _rows(openpyxl.load_workbook(out), "报告汇总")
    assert [r["文件"] for r in reports] == names and all(r["状态"] == "已审核" for r in reports)
    assert sorted(p.name for p in annotated.iterdir()) == sorted(Path(n).stem + ".审核.docx" for n in names)
    js = json.loads(run("batch", folder, "--json", "--no-llm", "--jobs", "1").stdout)
    assert {s["file"] for s in js["skipped"]} == {"README.md", "附件-统计表.xlsx"}
    assert [r["source"] for r in js["reviews"]] == names


def test_feedback_package_from_the_command_line(batch, tmp_path):
    """`reviewer batch --feedback`: the same package as the service's, for an office without a server."""
    import docx

    from batchmix import scan_pdf

    names = sorted(n for n in batch.files if n.endswith("2023.txt"))[:2]
    z = _zip({**{n: batch.files[n] for n in names}, "扫描件.pdf": scan_pdf(), "统计表.xlsx": b"PK"}, tmp_path / "报告.zip")
    out = tmp_path / "反馈包.zip"
    proc = run("batch", z, "--feedback", out, "--sender", "某市政务公开办", "--resubmit-by", "2099-01-25",
               "--no-llm", "-j", "1")
    assert proc.returncode in (0, 1), proc.stderr
    package = zipfile.ZipFile(out)
    agencies = {batch.specs[n].agency for n in names}
    assert set(package.namelist()) == {f"{a}-2023-审核意见.docx" for a in agencies} | {"修改意见通知单.docx"}
    notice = "\n".join(p.text for p in docx.Document(io.BytesIO(package.read("修改意见通知单.docx"))).paragraphs)
    assert notice.count("修改意见通知单") == 3 and "2099年1月25日前" in notice and "某市政务公开办" in notice
    assert "报送“扫描件.pdf”的单位：" in notice and "统计表.xlsx" not in notice
    bad = run("batch", z, "--feedback", out, "--resubmit-by", "soon", "--no-llm")
    assert bad.returncode == 2 and "--resubmit-by" in bad.stderr


def test_rule_profile_applies_to_every_report_and_to_the_cross_report_findings(batch, tmp_path):
    """The same reviewer.toml / --select / --ignore as `reviewer review`: the cross-report findings are
    re-graded or hidden like the others, and the summaries and the table name the profile."""
    z = _zip(batch.files, tmp_path / "报告.zip")
    (tmp_path / "reviewer.toml").write_text('name = "本市规范"\nseverity = { "continuity.carry_over" = "warning" }\n',
                                             encoding="utf-8")
    out = tmp_path / "summary.xlsx"
    proc = run("batch", z, "-o", out, "-o", tmp_path / "summary.html", "--no-llm", "-j", "2",
               "--ignore", "duplicate.narrative", cwd=tmp_path)
    assert "Traceback" not in proc.stderr
    wb = openpyxl.load_workbook(out)
    findings = _rows(wb, "审核意见")
    carry = [r for r in findings if r["规则"] == "continuity.carry_over"]
    assert {r["文件"] for r in carry} == batch.carry_breaks and {r["严重程度"] for r in carry} == {"警告"}
    assert not [r for r in findings if r["规则"] == "duplicate.narrative"]
    assert proc.returncode == (1 if [r for r in findings if r["严重程度"] == "错误"] else 0), proc.stderr
    note = dict(_row[:2] for _row in wb["规则配置"].iter_rows(values_only=True))
    assert note["配置"] == "本市规范" and note["不运行"] == "duplicate.narrative"
    assert "按配置未显示2条" in note["说明"]  # the two copied narratives
    assert "规则配置：本市规范" in (tmp_path / "summary.html").read_text("utf-8")
    assert "规则配置：本市规范" in proc.stdout

    proc = run("batch", z, "--no-llm", "-j", "2", "--json", "--select", "continuity", cwd=tmp_path)
    reviews = json.loads(proc.stdout)["reviews"]
    assert {f["rule_id"] for r in reviews for f in r["findings"]} == {"continuity.carry_over"}
    assert all(r["profile"]["select"] == ["continuity"] for r in reviews)


def test_bad_rule_profile_exit_2(batch, tmp_path):
    z = _zip(dict(list(batch.files.items())[:1]), tmp_path / "one.zip")
    proc = run("batch", z, "--no-llm", "--select", "no.such.rule")
    assert proc.returncode == 2 and "Traceback" not in proc.stderr and "no.such.rule" in proc.stderr
