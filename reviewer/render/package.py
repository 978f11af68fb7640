"""The feedback package (issue 16): one zip to send back to the units.

* each reviewed draft, annotated — Word comments on a .docx (a generated .docx for txt/html/md and
  the converted .doc/.wps/.rtf/.odt), highlights and comments on a PDF — named
  ``单位-年度-审核意见.docx`` (or ``.pdf``);
* ``修改意见通知单.docx`` (``reviewer.render.notice``): one notice per unit with the numbered items,
  also for the units whose file could not be reviewed (what to do instead).
"""

from __future__ import annotations

import io
import logging
import re
import zipfile
from dataclasses import dataclass
from datetime import date, timedelta

from reviewer.findings import Review
from reviewer.render.notice import Notice, NoticeUnit, notice_docx

log = logging.getLogger(__name__)
NOTICE_NAME = "修改意见通知单.docx"
RESUBMIT_DAYS = 7  # time given to resubmit when no date is set
_UNSAFE = re.compile(r'[\x00-\x1f\\/:*?"<>|]+')


@dataclass
class PackageDraft:
    """One unit's latest draft. ``review`` None or failed: not reviewed (``reason``, ``advice``)."""

    unit: str
    filename: str
    data: bytes | None
    review: Review | None
    reason: str | None = None
    advice: str | None = None
    missing: bool = False  # the unit has not submitted a report at all
    annotated: tuple[str, bytes] | None = None  # (extension, bytes) as the worker made them (the service)
    review_id: str | None = None  # with ``ext`` (docx | pdf): what the service asks the worker for
    ext: str | None = None


def safe_name(text: str, limit: int = 60) -> str:
    """A file name part that every unzip tool and file system accepts."""
    cleaned = _UNSAFE.sub("_", " ".join(text.split())).strip(" ._") or "未命名"
    return cleaned[:limit]


def annotated_name(unit: str, year: int | None, ext: str, taken: set[str]) -> str:
    base = f"{safe_name(unit)}-{year or '年度不详'}-审核意见"
    name, n = f"{base}.{ext}", 2
    while name in taken:
        name, n = f"{base}-{n}.{ext}", n + 1
    taken.add(name)
    return name


def _annotate(draft: PackageDraft) -> tuple[str, bytes]:
    """(extension, annotated bytes) of a reviewed draft: the worker's (``annotated``), else read again
    from its bytes (the command line, which has no worker)."""
    if draft.annotated is not None:
        return draft.annotated
    from reviewer.ingest import read_bytes
    from reviewer.render import annotated_bytes

    doc = read_bytes(draft.data, draft.filename)
    ext = "pdf" if doc.media_type == "pdf" else "docx"
    return ext, annotated_bytes(ext, draft.data, doc, draft.review)


def feedback_zip(drafts: list[PackageDraft], sender: str, issued: date, resubmit_by: date | None = None,
                 year: int | None = None) -> bytes:
    """The package's bytes; ``resubmit_by`` defaults to RESUBMIT_DAYS after ``issued``."""
    resubmit_by = resubmit_by or issued + timedelta(days=RESUBMIT_DAYS)
    years = {d.review.report.year for d in drafts if d.review is not None and d.review.report.year}
    notice = Notice(sender=sender, issued=issued, resubmit_by=resubmit_by,
                    year=year or (years.pop() if len(years) == 1 else None))
    taken: set[str] = {NOTICE_NAME}
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for d in drafts:
            reviewed = d.review is not None and d.review.status == "ok"
            unit = NoticeUnit(d.unit, d.filename, d.review if reviewed else None,
                              reason=d.reason or (d.review.error.message if d.review and d.review.error else None),
                              advice=d.advice, missing=d.missing)
            if reviewed and (d.annotated is not None or d.data is not None):  # neither: the worker failed
                try:
                    ext, content = _annotate(d)
                except Exception as exc:  # read once by the worker, so unexpected: the notice still lists it
                    log.warning("feedback package: cannot annotate %s: %s", d.filename, exc)
                else:
                    unit.annotated_name = annotated_name(d.unit, d.review.report.year, ext, taken)
                    zf.writestr(unit.annotated_name, content)
            notice.units.append(unit)
        zf.writestr(NOTICE_NAME, notice_docx(notice))
    return buf.getvalue()
