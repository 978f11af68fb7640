"""The public JSON contract: Finding, Location, Review (docs/architecture.md §3).

Everything that leaves the core (CLI JSON, API responses, webhooks, the result
stream, renderers) is one of these models, serialised with ``model_dump(mode="json")``.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

Category = Literal[
    "period",
    "arithmetic",
    "crossref",
    "structure",
    "format",
    "narrative",
    "continuity",
    "duplicate",
]
Severity = Literal["error", "warning", "info"]
Origin = Literal["rule", "llm"]

SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}


class Location(BaseModel):
    """Where a finding points in the draft: a table cell and/or a character span.

    ``span`` is a half-open character range into ``Document.text``; ``block_id``
    names the block that holds it. Table locations also carry the logical
    table/row/column keys of the format (e.g. ``table3`` / ``new`` / ``commercial``).
    """

    section: str | None = None
    block_id: str | None = None
    span: tuple[int, int] | None = None
    text: str | None = None
    table: str | None = None
    row: str | None = None
    column: str | None = None
    label: str | None = None  # human-readable cell name, e.g. “一、本年新收… / 商业企业”
    page: int | None = None  # PDF input: 1-based page, and the box (x0, top, x1, bottom) in points from
    bbox: tuple[float, float, float, float] | None = None  # the page's top-left corner


class Finding(BaseModel):
    rule_id: str
    category: Category
    severity: Severity
    origin: Origin = "rule"
    message: str
    locations: list[Location] = Field(default_factory=list)
    evidence: list[str] = Field(default_factory=list)
    expected: str | None = None
    actual: str | None = None
    suggestion: str | None = None
    group: str | None = None  # findings sharing a root cause share a group id
    # stable across drafts: rule id + what it is about (cell path, quote) + its substance (reviewer/fingerprint.py)
    fingerprint: str | None = None


class Period(BaseModel):
    start: str | None = None  # ISO date
    end: str | None = None


class ReportInfo(BaseModel):
    agency: str | None = None
    year: int | None = None
    title: str | None = None
    period: Period = Field(default_factory=Period)
    # every cell read, keyed by its path in the format declaration (“table3/new/total”); None where
    # the cell was present but unreadable; inferred_cells: keys recovered from the table's relations
    cells: dict[str, int | float | None] = Field(default_factory=dict)
    inferred_cells: list[str] = Field(default_factory=list)


class LLMInfo(BaseModel):
    status: Literal["ok", "skipped", "failed"] = "skipped"
    model: str | None = None
    prompt_version: str | None = None
    tokens: dict[str, int] = Field(default_factory=dict)
    latency_ms: float | None = None
    calls: int = 0
    cached: bool = False
    discarded: int = 0
    error: dict[str, str] | None = None
    reason: str | None = None  # why it was skipped, in Chinese


class ReviewError(BaseModel):
    code: str
    message: str


class Review(BaseModel):
    review_id: str
    source: str
    status: Literal["ok", "failed"] = "ok"
    format: str | None = None
    report: ReportInfo = Field(default_factory=ReportInfo)
    findings: list[Finding] = Field(default_factory=list)
    llm: LLMInfo = Field(default_factory=LLMInfo)
    error: ReviewError | None = None

    def counts(self) -> dict[str, int]:
        out = {"error": 0, "warning": 0, "info": 0}
        for f in self.findings:
            out[f.severity] += 1
        return out

    @property
    def has_errors(self) -> bool:
        return any(f.severity == "error" for f in self.findings)
