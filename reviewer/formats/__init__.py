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
    """The layout the draft's tables are in (by template phrases), 2021 when unclear."""
    hits_2019 = marker_hits(GOV_2019, text)
    hits_2021 = marker_hits(GOV_2021, text)
    return GOV_2019 if hits_2019 >= 2 and hits_2019 > hits_2021 else GOV_2021


__all__ = ["FORMATS", "DEFAULT_FORMAT", "GOV_2019", "GOV_2021", "METRICS", "Metric", "ReportFormat",
           "TableSpec", "detect_layout", "section_headings"]
