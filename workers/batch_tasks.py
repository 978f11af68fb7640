"""Celery tasks of batches (issue 5): thin wrappers over workers.batch_jobs."""

from __future__ import annotations

from celery.signals import task_postrun, worker_init

from workers import batch_jobs
from workers.celery_app import app

_COUNTDOWN_LIMIT = 300.0  # longer waits are left to the batch sweep (see workers.tasks)


@worker_init.connect
def _warm_up(**_kwargs) -> None:
    """Import and exercise the review stack once before the first task, not during it
    (seconds with langchain; with the thread pool, every thread would pay it at once)."""
    try:
        batch_jobs.warm_up()
    except Exception as exc:  # never keep a worker from starting
        batch_jobs.log.info("warm-up skipped: %s", exc)


@task_postrun.connect
def _after_task(sender=None, args=None, **_kwargs) -> None:
    """After each review: was it the last item of its batch?"""
    if getattr(sender, "name", None) == "reviewer.review" and args:
        try:
            batch_jobs.after_review(args[0])
        except Exception:  # the batch sweep catches up; never fail the review for it
            batch_jobs.log.exception("batch completion check failed for %s", args[0])


@app.task(name="reviewer.batch_complete")
def batch_complete(batch_id: str) -> dict:
    return batch_jobs.complete(batch_id)


@app.task(name="reviewer.batch_webhook")
def batch_webhook(batch_id: str) -> None:
    delay = batch_jobs.deliver_webhook(batch_id)
    if delay is not None and delay <= _COUNTDOWN_LIMIT:
        batch_webhook.apply_async(args=[batch_id], countdown=delay)


@app.task(name="reviewer.batch_sweep")
def batch_sweep() -> dict:
    return batch_jobs.sweep_batches()
