"""Report formats, declared as data. ``choose_format`` picks the layout a draft uses."""

from __future__ import annotations

from reviewer.formats.gov2019 import GOV_2019
from reviewer.formats.gov2021 import GOV_2021, METRICS
from reviewer.formats.model import Metric, ReportFormat, TableSpec

FORMATS: dict[str, ReportFormat] = {f.id: f for f in (GOV_2021, GOV_2019)}
DEFAULT_FORMAT = GOV_2021


def section_headings(fmt: ReportFormat = DEFAULT_FORMAT) -> dict[str, str]:
    """{"一": "一、总体情况", …}: the standard headings, word for word."""
    return {s.key: f"{s.key}、{s.title}" for s in fmt.sections}


def marker_hits(fmt: ReportFormat, text: str) -> int:
    compact = "".join(text.split())
    return sum(1 for m in fmt.markers if m in compact)


def detect_layout(text: str) -> ReportFormat:
    """The layout the draft's tables are in, by each format's own markers (phrases only its template has):
    the format with the most hits (at least two), the default when unclear. A future revision is one new
    format with its markers."""
    hits = sorted(((marker_hits(f, text), f is DEFAULT_FORMAT, f) for f in FORMATS.values()),
                  key=lambda h: h[:2], reverse=True)
    best, _, fmt = hits[0]
    return fmt if best >= 2 and (len(hits) == 1 or best > hits[1][0]) else DEFAULT_FORMAT


def own_format(facts) -> ReportFormat:
    """The format a report's tables are in (its metrics address those tables); the due one when unknown."""
    return FORMATS.get(facts.template or facts.format_id) or FORMATS[facts.format_id]


def format_for_year(year: int | None) -> ReportFormat:
    """The format in force for a report of ``year`` (by each format's ``valid_years``); the default when
    the year is unknown or no format claims it."""
    found = next((f for f in FORMATS.values() if f.applies_to(year)), None)
    if found is None and year is not None:  # before every format: the earliest one
        earliest = min(FORMATS.values(), key=lambda f: f.valid_years[0])
        found = earliest if year < earliest.valid_years[0] else None
    return found or DEFAULT_FORMAT


__all__ = ["FORMATS", "DEFAULT_FORMAT", "GOV_2019", "GOV_2021", "METRICS", "Metric", "ReportFormat",
           "TableSpec", "detect_layout", "format_for_year", "own_format", "section_headings"]
