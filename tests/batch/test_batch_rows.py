"""Every file of a batch is a row: read_zip lists them all, rows.row words them (issue 16)."""

from __future__ import annotations

import io
import zipfile
from datetime import datetime, timedelta
from pathlib import Path

from batchmix import GBK_NAME, UTF8_NAME, mixed_zip
from reviewer.batch import read_zip
from reviewer.batch.rows import count_states, row, state_of
from reviewer.batch.sources import NESTED, NOT_A_DRAFT, entry_name, read_sources

SAMPLE = Path(__file__).resolve().parents[2] / "examples" / "wuhai-gxj-2023.txt"


def test_every_member_of_the_zip_is_a_source():
    draft = SAMPLE.read_bytes()
    raw, expected = mixed_zip(draft, draft.replace(b"1248", b"2248"))
    sources = {s.name: s for s in read_zip(raw)}
    assert set(sources) == set(expected)  # only __MACOSX metadata is left out
    assert sources[GBK_NAME].data == draft and sources[UTF8_NAME].data is not None
    assert sources["补报.zip/民政局.txt"].data == draft  # the zip inside the zip is opened
    assert sources["旧稿.rar"].error.code == NESTED and "未能打开" in sources["旧稿.rar"].error.message_zh
    for name in ("统计表.xlsx", "README"):
        assert sources[name].skipped and sources[name].error.code == NOT_A_DRAFT
    # drafts by their type are read; the scan and the README.md are found out when read
    assert sources["扫描件.pdf"].data is not None and sources["说明.md"].data is not None


def test_names_without_the_utf8_flag_are_decoded_as_utf8_or_gbk():
    for raw_name, shown in (("中文名称.txt".encode("gbk"), "中文名称.txt"), ("报告.docx".encode(), "报告.docx"),
                            (b"plain.txt", "plain.txt")):
        info = zipfile.ZipInfo(raw_name.decode("cp437"))
        info.flag_bits = 0
        assert entry_name(info) == shown
    flagged = zipfile.ZipInfo("已标记.txt")
    flagged.flag_bits = 0x800
    assert entry_name(flagged) == "已标记.txt"


def test_a_zip_three_deep_is_a_row_not_opened():
    def z(members):
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as f:
            for n, d in members.items():
                f.writestr(n, d)
        return buf.getvalue()

    raw = z({"a.zip": z({"b.zip": z({"c.txt": b"x"})}), "d.zip": b"PK\x03\x04broken"})
    sources = {s.name: s for s in read_zip(raw)}
    assert set(sources) == {"a.zip/b.zip", "d.zip"}
    assert sources["a.zip/b.zip"].error.code == NESTED
    assert sources["d.zip"].error.code == "input.corrupt"


def test_a_folder_lists_other_files_as_skipped(tmp_path):
    (tmp_path / "报告.txt").write_bytes(SAMPLE.read_bytes())
    (tmp_path / "附件.xlsx").write_bytes(b"PK")
    (tmp_path / ".DS_Store").write_bytes(b"x")
    sources = {s.name: s for s in read_sources(tmp_path)}
    assert set(sources) == {"报告.txt", "附件.xlsx"} and sources["附件.xlsx"].skipped


def test_rows_say_what_happened_and_what_to_do():
    scan = row({"filename": "扫描件.pdf", "review_id": "r1", "status": "failed", "counts": None,
                "error": {"code": "input.scanned_pdf", "message": "这份 PDF 没有文字层（the PDF has no text layer）"}})
    assert scan["status"] == "failed" and scan["status_zh"] == "无法审核"
    assert scan["advice"] == "请提交带文字层的 PDF 或原始 Word 文件" and scan["reason"] == "这份 PDF 没有文字层"
    readme = row({"filename": "README.md", "review_id": "r2", "status": "failed", "counts": None,
                  "error": {"code": "input.not_a_report", "message": "不是年度报告"}})
    assert readme["status"] == "skipped" and readme["status_zh"] == "已跳过"
    queued = row({"filename": "a.docx", "review_id": "r3", "status": "queued", "counts": None, "error": None})
    assert queued["status_zh"] == "排队" and queued["counts"] is None
    done = row({"filename": "b.docx", "review_id": "r4", "status": "done",
                "counts": {"error": 2, "warning": 1, "info": 0}, "error": None})
    assert done["counts"]["error"] == 2 and done["advice"] is None
    assert count_states([scan, readme, queued, done]) == {"queued": 1, "running": 0, "done": 1, "failed": 1,
                                                          "skipped": 1}
    assert state_of("review.timeout") == "failed" and state_of("input.corrupt") == "unreadable"


def test_eta_counts_the_rows_still_queued():
    from reviewer.services.batches import batch_eta

    class B:
        status = "running"
        created_at = datetime(2025, 1, 1)

    finished = [B.created_at + timedelta(seconds=10), B.created_at + timedelta(seconds=20)]
    # two done in 20 s: 10 s each; 3 queued + 1 running left → 40 s; skipped/unreadable rows cost nothing
    counts = {"queued": 3, "running": 1, "done": 2, "failed": 5, "skipped": 7}
    assert batch_eta(B, counts, finished) == 40.0
    assert batch_eta(B, {**counts, "queued": 0, "running": 0}, finished) == 0.0
