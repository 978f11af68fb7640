"""Celery tasks: thin wrappers over workers.jobs."""

from __future__ import annotations

from workers import jobs, limits  # noqa: F401 - limits: per-review time and memory limits (signal handlers)
from workers.celery_app import app, enqueue_delivery

# Retries sooner than this ride on a countdown; later ones wait in the store for the sweep,
# because long ETAs held by a worker would outlive the broker's visibility timeout.
_COUNTDOWN_LIMIT = 300.0


@app.task(name="reviewer.review")
def review(submission_id: str, enqueued_ts: float | None = None) -> str:
    return jobs.run_review(submission_id, enqueued_ts)


@app.task(name="reviewer.deliver")
def deliver(delivery_id: int) -> None:
    delay = jobs.deliver_once(delivery_id)
    if delay is not None and delay <= _COUNTDOWN_LIMIT:
        enqueue_delivery(delivery_id, countdown=delay)


@app.task(name="reviewer.sweep")
def sweep() -> dict:
    return jobs.sweep()
