"""review(document, options) -> Review: the one entry point everything calls.

ingest → extract → checks (+ llm) → Review. The CLI, the Celery task and the API
differ only in where the bytes come from and where the Review goes.
"""

from __future__ import annotations

import logging
import uuid
from pathlib import Path

from pydantic import BaseModel

from reviewer.document import Document
from reviewer import errors
from reviewer.checks.profile import RuleProfile
from reviewer.errors import InputError
from reviewer.findings import LLMInfo, Review, ReviewError
from reviewer.fingerprint import assign_fingerprints


log = logging.getLogger(__name__)

INTERRUPTS = errors.INTERRUPTS  # what a host raises to stop a review passes through (see reviewer.errors)

MEMORY_LIMIT = "review.memory_limit"


def _memory_failure(review_id: str, source: str) -> Review:
    log.warning("review of %s hit the memory limit", source)
    return Review(review_id=review_id, source=source, status="failed",
                  error=ReviewError(code=MEMORY_LIMIT,
                                    message="审核所需内存超过上限，草稿过大或结构异常（review exceeded its memory limit）"))


class ReviewOptions(BaseModel):
    use_llm: bool | None = None  # None: on exactly when an LLM is configured
    review_id: str | None = None
    profile: RuleProfile | None = None  # select / ignore / re-grade rules (local standards)


def new_review_id(options: ReviewOptions) -> str:
    return options.review_id or uuid.uuid4().hex


def review_document(doc: Document, options: ReviewOptions | None = None) -> Review:
    """Never raises: a defect in extraction or a check gives a failed Review, logged with its trace."""
    return review_with_facts(doc, options)[0]


def review_with_facts(doc: Document, options: ReviewOptions | None = None):
    """(Review, ReportFacts or None): for callers that also need the facts (cross-report checks)."""
    options = options or ReviewOptions()
    try:
        return _review_document(doc, options)
    except MemoryError:
        return _memory_failure(new_review_id(options), doc.source), None
    except Exception as exc:  # noqa: BLE001 - the caller (CLI, worker, API) must always get a Review
        if isinstance(exc, tuple(INTERRUPTS)):
            raise
        log.exception("review of %s failed", doc.source)
        return Review(review_id=new_review_id(options), source=doc.source, status="failed",
                      error=ReviewError(code="review.internal_error",
                                        message="审核过程中出现内部错误，请将草稿反馈给维护人员（internal error while reviewing）")), None


def _review_document(doc: Document, options: ReviewOptions):
    from reviewer.checks import run_checks
    from reviewer.extract import extract
    from reviewer.findings import ReportInfo, Period

    facts = extract(doc)
    if not _looks_like_report(facts):
        return Review(review_id=new_review_id(options), source=doc.source, status="failed",
                      error=ReviewError(code=errors.NOT_A_REPORT,
                                        message="未识别出政府信息公开工作年度报告的标题、章节或表格，请确认提交的是年度报告草稿"
                                                "（not a government information-disclosure annual report）")), facts
    findings = run_checks(facts, doc)
    if doc.media_type == "pdf":
        from reviewer.ingest.pdf_locate import pin_findings
        pin_findings(findings, doc)
    review = Review(
        review_id=new_review_id(options),
        source=doc.source,
        format=facts.format_id,
        report=ReportInfo(agency=facts.agency, year=facts.year, title=facts.title,
                          period=Period(start=facts.period_start, end=facts.period_end),
                          **_cells(facts)),
        findings=findings,
        llm=LLMInfo(status="skipped"),
    )
    _run_llm(review, doc, facts, options)
    assign_fingerprints(review.findings)
    from reviewer.extract.places import name_places

    name_places(review.findings, doc, facts.sections)
    if options.profile is not None and not options.profile.is_default:
        apply_profile(review, options.profile)
    return review, facts


def apply_profile(review: Review, profile: RuleProfile) -> None:
    """Idempotent on findings already filtered: a second pass (the batch's cross-report findings) adds
    what it hides to the count of the first."""
    from reviewer.findings import ProfileInfo

    before = review.findings
    after = profile.apply(before)
    regraded = sum(1 for f in after if f.declared_severity)
    hidden = (review.profile.hidden if review.profile else 0) + len(before) - len(after)
    review.findings = after
    review.profile = ProfileInfo(**profile.summary(), hidden=hidden, regraded=regraded)


def _cells(facts) -> dict:
    from reviewer.extract.cells_report import report_cells

    cells, inferred = report_cells(facts)
    return {"cells": cells, "inferred_cells": inferred}


def _looks_like_report(facts) -> bool:
    """A draft with no title year, no standard section and no table is something else."""
    return bool(facts.year or facts.sections or any(t.found for t in facts.tables.values()))


def _run_llm(review: Review, doc: Document, facts, options: ReviewOptions) -> None:
    """Adds LLM findings when enabled; never removes or downgrades rule findings."""
    from reviewer.settings import get_settings

    settings = get_settings()
    enabled = settings.llm_enabled if options.use_llm is None else options.use_llm
    if not enabled:
        review.llm = LLMInfo(
            status="skipped",
            reason="未配置大模型，已跳过叙述部分的智能审核；设置 REVIEWER_LLM_BASE_URL 或 "
            "REVIEWER_LLM_API_KEY 即可启用（LLM review skipped: not configured）"
            if not settings.llm_enabled else "已按要求关闭大模型审核（--no-llm）",
        )
        return
    try:
        from reviewer.llm import review_narrative
    except ImportError:  # the LLM package is optional at this stage of the build
        review.llm = LLMInfo(status="skipped", reason="大模型审核模块不可用（LLM module unavailable）")
        return
    review_narrative(review, doc, facts, settings)


def review_bytes(data: bytes, filename: str, options: ReviewOptions | None = None) -> Review:
    """Never raises for bad input: an unreadable draft gives a failed Review."""
    from reviewer.ingest import read_bytes

    options = options or ReviewOptions()
    try:
        doc = read_bytes(data, filename)
    except InputError as exc:
        return Review(review_id=new_review_id(options), source=filename, status="failed",
                      error=ReviewError(code=exc.code, message=exc.message))
    except MemoryError:
        return _memory_failure(new_review_id(options), filename)
    return review_document(doc, options)


def review_path(path: str | Path, options: ReviewOptions | None = None) -> Review:
    from reviewer.ingest import read_path

    options = options or ReviewOptions()
    try:
        doc = read_path(path)
    except InputError as exc:
        return Review(review_id=new_review_id(options), source=str(path), status="failed",
                      error=ReviewError(code=exc.code, message=exc.message))
    except MemoryError:
        return _memory_failure(new_review_id(options), str(path))
    return review_document(doc, options)
