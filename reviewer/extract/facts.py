"""ReportFacts: what extraction learned from a Document, in the format's own terms."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, Field

from reviewer.findings import Location, Origin

CellStatus = Literal["ok", "blank", "dash", "non_numeric", "negative"]


@dataclass(slots=True)
class CellValue:
    """One cell of a logical table. A plain dataclass: a review reads hundreds of them,
    and their ``Location`` (the public model) is only built when something asks for it."""

    table: str
    row: str
    column: str
    raw: str | None = None
    value: float | None = None  # None when the cell holds no readable number
    status: CellStatus = "ok"
    inferred: bool = False  # recovered by splitting run-together digits
    section: str | None = None
    block_id: str | None = None
    span: tuple[int, int] | None = None
    label: str | None = None
    _location: Location | None = None

    @property
    def readable(self) -> bool:
        return self.value is not None

    @property
    def location(self) -> Location:
        if self._location is None:
            self._location = Location(section=self.section, block_id=self.block_id, span=self.span,
                                      text=self.raw, table=self.table, row=self.row, column=self.column,
                                      label=self.label)
        return self._location


class LogicalTable(BaseModel):
    table_id: str
    section: str
    title: str
    found: bool = True
    readable: bool = True  # False when cells could not be recovered reliably
    problem: str | None = None  # why not readable, in Chinese
    problem_location: Location | None = None  # the row that could not be read
    inferred: bool = False  # some cells were recovered by splitting digits
    forced_rows: list[str] = Field(default_factory=list)  # rows whose digits were as many as their cells (certain)
    # groups printed as one row without their items (“（六）其他处理”): item row → group row
    merged_rows: dict[str, str] = Field(default_factory=dict)
    # rows read by position whose printed label the format does not know (a typo in the template): row → label
    damaged_labels: dict[str, Location] = Field(default_factory=dict)
    cells: dict[str, CellValue] = Field(default_factory=dict)  # key: "row/column"
    missing_rows: list[str] = Field(default_factory=list)
    block_ids: list[str] = Field(default_factory=list)
    span: tuple[int, int] | None = None  # where its data sits in Document.text

    def get(self, row: str, column: str) -> CellValue | None:
        return self.cells.get(f"{row}/{column}")

    def value(self, row: str, column: str) -> float | None:
        cell = self.get(row, column)
        return cell.value if cell else None


class Claim(BaseModel):
    """A number the prose states, mapped to a metric of the format (see formats.METRICS)."""

    metric: str
    value: float
    unit: str | None = None
    quote: str
    location: Location
    origin: Origin = "rule"
    part_of: str | None = None  # id of the “其中” group this is a part of
    whole: bool = False  # the whole of a “其中” group


class PartsGroup(BaseModel):
    """A “总数X，其中a、b、c” statement."""

    id: str
    whole: Claim
    parts: list[Claim]
    # may the parts sum above the whole? "channels": they name publishing channels (one item on several, the
    # usual case); "possible": they may overlap (content of proactive disclosure); "none": disjoint (applicants)
    overlap: Literal["none", "possible", "channels"] = "none"


class Statement(BaseModel):
    """A statement of the prose that is not a count: all done, a share, a rate (see extract/statements.py)."""

    kind: Literal["all_done", "all_closed_appeals", "percent", "rate"]
    value: float | None = None  # the percentage as printed
    sentence: str
    location: Location


class SectionInfo(BaseModel):
    key: str  # the standard section key: 一 … 六
    number: str | None  # the numeral as written (may differ from key when misnumbered)
    heading: str
    block_id: str
    start: int  # char offset of the heading in Document.text
    end: int  # char offset where the section ends
    order: int  # position among headings found
    exact: bool = True  # the standard wording (False: a known variant)


class YearMention(BaseModel):
    year: int
    text: str  # the sentence
    span: tuple[int, int]
    block_id: str | None
    section: str | None
    # done: work stated as done; narration: the year opens a sentence narrating the body's work
    # (“2023年，本局认真贯彻落实…”) without saying it is done; plan; other (dates, comparisons, periods)
    kind: Literal["done", "narration", "plan", "report", "other"]  # report: an annual report named as done


class ReportFacts(BaseModel):
    format_id: str
    title: str | None = None
    title_location: Location | None = None
    agency: str | None = None
    year: int | None = None  # the title year
    period_start: str | None = None
    period_end: str | None = None
    period_text: str | None = None
    period_location: Location | None = None
    period_problem: str | None = None  # malformed period, in Chinese
    period_unreadable: bool = False  # a period is stated but its dates could not be read
    sections: list[SectionInfo] = Field(default_factory=list)  # one per section found, in order
    headings: list[SectionInfo] = Field(default_factory=list)  # every section heading seen
    # numbered headings that name no one section (“五、工作展望”): key "", number as written
    unrecognised_headings: list[SectionInfo] = Field(default_factory=list)
    tables: dict[str, LogicalTable] = Field(default_factory=dict)
    claims: list[Claim] = Field(default_factory=list)
    parts_groups: list[PartsGroup] = Field(default_factory=list)
    statements: list[Statement] = Field(default_factory=list)
    years: list[YearMention] = Field(default_factory=list)
    artefacts: list[Location] = Field(default_factory=list)
    template: str | None = None  # detected layout: gov-disclosure-2021 | gov-disclosure-2019

    def section_at(self, offset: int) -> str | None:
        return section_at(self.sections, offset)


def section_at(sections, offset: int) -> str | None:
    """Key of the section holding ``offset`` (the last one that does: sections are in document order)."""
    found = None
    for s in sections:
        if s.start <= offset < s.end:
            found = s.key
    return found
