"""What a batch row says about a file that was not reviewed: skipped or 无法审核, and what to do.

One declaration for the CLI, the API and the web pages. A row is

* ``done``: reviewed (its findings counted);
* ``skipped`` (已跳过): not a report — a file of another type (an .xlsx attachment, a
  picture) or a readable file that is no annual report (a README, a notice);
* ``unreadable`` (无法审核): meant as a report but could not be read — a scan without a text
  layer, a broken or encrypted file, an archive not opened — with what to do about it;
* ``failed``: the review itself broke (timeout, internal error): try again;
* ``queued`` / ``running`` while it waits or is reviewed.
"""

from __future__ import annotations

from reviewer import errors
from reviewer.batch.sources import NESTED, NOT_A_DRAFT

SKIPPED_CODES = frozenset({NOT_A_DRAFT, errors.NOT_A_REPORT})
# the review broke rather than the file: trying again may help
FAILED_CODES = frozenset({"review.timeout", "review.too_many_attempts", "internal.error", "review.internal"})

STATE_ZH = {"queued": "排队", "running": "审核中", "done": "已审核", "skipped": "已跳过",
            "unreadable": "无法审核", "failed": "审核出错"}

# What the person who sent the file should do, by error code.
ADVICE = {
    errors.SCANNED_PDF: "请提交带文字层的 PDF 或原始 Word 文件",
    errors.EMPTY: "文件是空的：请重新导出报告后提交",
    errors.BINARY: "请提交 Word（.docx/.doc/.wps）、PDF 或文本格式的报告",
    errors.ENCODING: "请用 Word 另存为 .docx，或把文本另存为 UTF-8 编码后提交",
    errors.UNSUPPORTED: "请提交 Word、PDF 或文本格式的报告；设置了打开密码的文件请去掉密码后提交",
    errors.TOO_LARGE: "请删去报告中的大图片或附件后重新提交",
    errors.CORRUPT: "文件已损坏：请用 Word 或 WPS 重新导出后提交",
    errors.MALICIOUS: "请用 Word 或 WPS 重新另存后提交",
    errors.CONVERTER_MISSING: "请用 Word 另存为 .docx 后提交，或请管理员安装 LibreOffice",
    errors.CONVERSION_FAILED: "请用 Word 或 WPS 另存为 .docx 后提交",
    NESTED: "请解压后把报告文件直接放进一个 zip 压缩包重新提交",
    NOT_A_DRAFT: "如果这是年度报告，请另存为 Word、PDF 或文本格式",
    errors.NOT_A_REPORT: "如果这是年度报告，请确认标题写明“政府信息公开工作年度报告”",
    "review.timeout": "请稍后重新提交；多次出现请联系管理员",
    "review.too_many_attempts": "请把该文件发给管理员检查",
    "internal.error": "请稍后重新提交；多次出现请联系管理员",
    "review.internal": "请稍后重新提交；多次出现请联系管理员",
}


def state_of(code: str | None) -> str:
    """The row state of a file that ended with this error code (None: reviewed)."""
    if code is None:
        return "done"
    if code in SKIPPED_CODES:
        return "skipped"
    if code in FAILED_CODES:
        return "failed"
    return "unreadable"


def advice(code: str | None) -> str | None:
    return ADVICE.get(code) if code else None


def reason_zh(message: str | None) -> str:
    """The Chinese half of a bilingual message “中文（English）”, for pages."""
    if not message:
        return ""
    text = message.strip()
    if text.endswith("）") and "（" in text:
        head, _, tail = text.rpartition("（")
        if head and tail[:-1].isascii():
            return head
    return text


def row(item: dict) -> dict:
    """A row of ``reviewer.store.batches.item_rows`` as the API and the pages show it: ``status`` one of
    queued, running, done, failed (无法审核 or the review broke), skipped (not a report); for a file
    not reviewed, ``reason`` (Chinese) and ``advice`` (what to do); ``counts`` only once reviewed."""
    error = item.get("error") or None
    code = error.get("code") if error else None
    if item["status"] in ("queued", "running"):
        state = item["status"]
    elif item["status"] == "done":
        state = "done"
    else:
        state = state_of(code or "internal.error")
    status = "skipped" if state == "skipped" else "failed" if state in ("unreadable", "failed") else state
    return {"filename": item["filename"], "review_id": item.get("review_id"), "status": status,
            "status_zh": STATE_ZH[state], "counts": item.get("counts") if state == "done" else None,
            "error": error, "reason": reason_zh(error.get("message")) if error else None,
            "advice": advice(code) if state != "done" else None}


def count_states(rows: list[dict]) -> dict[str, int]:
    """Rows (from ``row``) by status: queued, running, done, failed, skipped."""
    out = {"queued": 0, "running": 0, "done": 0, "failed": 0, "skipped": 0}
    for r in rows:
        out[r["status"]] += 1
    return out
