"""Rule ids of the cross-report checks (reviewer/crossreport), declared so `reviewer rules`
lists them. They need several reports (a batch, or a reference folder of last year's), so
they run in `reviewer batch` and POST /v1/batches, not on a single draft."""

from __future__ import annotations

from reviewer.checks.registry import declare, declared

CARRY_OVER = declared("continuity.carry_over")
IN_FORCE = declared("continuity.in_force")
NARRATIVE = declared("duplicate.narrative")
SUBMISSION = declared("duplicate.submission")

declare(CARRY_OVER, IN_FORCE, NARRATIVE, SUBMISSION)
