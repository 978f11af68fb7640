"""Review a batch in this process tree: parallel workers, then the cross-report checks.

The pool returns, per draft, its Review plus the Document and ReportFacts the
cross-report checks need; results keep the order of the sources whatever order
the workers finish in.
"""

from __future__ import annotations

import logging
import os
import uuid
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from typing import Callable

from reviewer.batch.sources import Source
from reviewer.checks.profile import RuleProfile
from reviewer.document import Document
from reviewer.extract.facts import ReportFacts
from reviewer.findings import Review, ReviewError

log = logging.getLogger(__name__)


@dataclass
class Item:
    name: str
    review: Review
    doc: Document | None = None
    facts: ReportFacts | None = None


def _failed(name: str, code: str, message: str) -> Item:
    return Item(name, Review(review_id=uuid.uuid4().hex, source=name, status="failed",
                             error=ReviewError(code=code, message=message)))


def review_source(name: str, data: bytes | None, use_llm: bool | None = None, error=None,
                  profile: RuleProfile | None = None) -> Item:
    """One draft → Item. Never raises: unreadable input and internal failures give a failed Review."""
    from reviewer.errors import InputError
    from reviewer.extract import extract
    from reviewer.ingest import read_bytes
    from reviewer.pipeline import ReviewOptions, review_with_facts

    if error is not None:
        return _failed(name, error.code, error.message)
    try:
        doc = read_bytes(data, name)
    except InputError as exc:
        return _failed(name, exc.code, exc.message)
    try:
        review, facts = review_with_facts(doc, ReviewOptions(use_llm=use_llm, profile=profile))
        facts = facts or extract(doc)  # a review that failed internally: the cross checks still try
    except Exception as exc:  # a bug on one draft must not sink the other 499
        log.exception("review of %s failed", name)
        return _failed(name, "review.internal", f"审核过程出错，请联系管理员（internal error: {type(exc).__name__}）")
    return Item(name, review, doc, facts)


def _work(args) -> Item:
    return review_source(*args)


def default_jobs() -> int:
    return max(1, min(os.cpu_count() or 1, 8))


def review_all(sources: list[Source], jobs: int | None = None, use_llm: bool | None = None,
               on_done: Callable[[Item], None] | None = None, profile: RuleProfile | None = None) -> list[Item]:
    jobs = jobs or default_jobs()
    tasks = [(s.name, s.data, use_llm, s.error, profile) for s in sources]
    results: list[Item | None] = [None] * len(tasks)
    if jobs == 1 or len(tasks) <= 1:
        for i, t in enumerate(tasks):
            results[i] = _work(t)
            if on_done:
                on_done(results[i])
        return results  # type: ignore[return-value]
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        futures = {pool.submit(_work, t): i for i, t in enumerate(tasks)}
        for fut in as_completed(futures):
            i = futures[fut]
            try:
                results[i] = fut.result()
            except Exception as exc:  # a worker process died (e.g. out of memory)
                results[i] = _failed(tasks[i][0], "review.internal", "审核进程异常退出，可能是内存不足（the worker process ended abnormally）")
            if on_done:
                on_done(results[i])
    return results  # type: ignore[return-value]


def cross_check(items: list[Item], reference: list[Item] = (), profile: RuleProfile | None = None) -> int:
    """Runs the cross-report checks; appends findings to the items' reviews; returns how many the rule
    profile (if any) kept: its select / ignore / severity apply to these findings as to the others."""
    from reviewer.crossreport import Report, check_reports
    from reviewer.pipeline import apply_profile

    reports = [Report(i.doc, i.facts, i.review) for i in items if i.doc is not None and i.facts is not None]
    reports += [Report(i.doc, i.facts, i.review, reference=True) for i in reference
                if i.doc is not None and i.facts is not None]
    added = check_reports(reports)
    if profile is None or profile.is_default:
        return len(added)
    for review in {id(r.review): r.review for r, _ in added}.values():
        apply_profile(review, profile)
    return sum(1 for r, f in added if any(g.id == f.id for g in r.review.findings))
