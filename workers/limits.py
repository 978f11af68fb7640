"""Per-review limits in the worker: time (Celery soft/hard limits) and memory (RLIMIT_AS).

- Soft time limit: Celery raises ``SoftTimeLimitExceeded`` inside the task; the pipeline lets it
  through (``reviewer.pipeline.INTERRUPTS``) and ``jobs._review`` stores a failed review with
  ``review.timeout``.
- Hard time limit (code stuck in C, deaf to the soft one): Celery kills the pool process and, in
  the parent, sends ``task_failure`` with ``TimeLimitExceeded``; we finish the submission as
  failed there, so it is not retried and the next message runs on a fresh process.
- Memory: each pool process gets an address-space limit, so a draft that needs more gets a
  ``MemoryError`` (a failed review with ``review.memory_limit``) instead of taking the machine.
"""

from __future__ import annotations

import logging
import resource

from billiard.exceptions import SoftTimeLimitExceeded, TimeLimitExceeded
from celery.signals import task_failure, worker_process_init

from reviewer import pipeline
from reviewer.settings import get_settings

log = logging.getLogger(__name__)

if SoftTimeLimitExceeded not in pipeline.INTERRUPTS:
    pipeline.INTERRUPTS.append(SoftTimeLimitExceeded)

TIMEOUT_CODE = "review.timeout"


def set_memory_limit(megabytes: int) -> None:
    """Cap this process's address space (never raising an existing, lower cap)."""
    if megabytes <= 0:
        return
    want = megabytes * 1024 * 1024
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        want = min(want, hard)
    if soft == resource.RLIM_INFINITY or soft > want:
        resource.setrlimit(resource.RLIMIT_AS, (want, hard))


@worker_process_init.connect
def _limit_pool_process(**_kwargs) -> None:
    set_memory_limit(get_settings().review_memory_limit_mb)


@task_failure.connect
def _hard_timeout(sender=None, task_id=None, exception=None, args=None, **_kwargs) -> None:
    """Runs in the worker's main process when Celery killed a review past its hard time limit."""
    if not isinstance(exception, TimeLimitExceeded) or getattr(sender, "name", None) != "reviewer.review":
        return
    if not args:
        return
    from workers.jobs import fail_abandoned

    limit = get_settings().review_time_limit
    try:
        fail_abandoned(args[0], TIMEOUT_CODE, f"审核超过时间上限（{limit} 秒），已终止（review exceeded its hard time "
                                              f"limit of {limit} s and was stopped）")
    except Exception as exc:  # the store is down: the sweep re-queues it later
        log.warning("could not record the timeout of %s: %s", args[0], exc)
