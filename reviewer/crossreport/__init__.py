"""Checks across reports (docs/domain.md §3 relations across years; docs/architecture.md §4 batches).

``check_reports(reports)`` takes the reports of a batch (plus, marked
``reference=True``, last year's reports from a reference folder), appends
``continuity.*`` and ``duplicate.*`` findings to the reviews of the batch's
reports, and returns what it added.
"""

from __future__ import annotations

from reviewer.crossreport.continuity import check_pair
from reviewer.crossreport.duplicate import narrative_duplicates, submission_duplicates
from reviewer.crossreport.model import Report, slim_inputs
from reviewer.crossreport.names import normalise_agency
from reviewer.findings import Finding
from reviewer.fingerprint import assign_fingerprints

__all__ = ["Report", "check_reports", "normalise_agency", "previous_year_pairs", "slim_inputs"]


def previous_year_pairs(reports: list[Report]) -> list[tuple[Report, Report]]:
    """(this year's report, the same agency's report for the year before), for batch reports."""
    by_key: dict[tuple[str, int], list[Report]] = {}
    for r in reports:
        if r.agency_key and r.year:
            by_key.setdefault((r.agency_key, r.year), []).append(r)
    pairs = []
    for r in reports:
        if r.reference or not r.agency_key or not r.year:
            continue
        before = by_key.get((r.agency_key, r.year - 1))
        if before:
            # prefer a report of the batch itself over a reference copy of the same year
            pairs.append((r, sorted(before, key=lambda x: x.reference)[0]))
    return pairs


def check_reports(reports: list[Report]) -> list[tuple[Report, Finding]]:
    added: list[tuple[Report, Finding]] = []
    for this, last in previous_year_pairs(reports):
        added.extend((this, f) for f in check_pair(this, last))
    added.extend(submission_duplicates(reports))
    added.extend(narrative_duplicates(reports))
    for report, finding in added:
        report.review.findings.append(finding)
    for report in {id(r): r for r, _ in added}.values():
        assign_fingerprints(report.review.findings)
    return added
