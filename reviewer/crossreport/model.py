"""The unit of cross-report checking: one reviewed report with what extraction learned."""

from __future__ import annotations

from dataclasses import dataclass

from reviewer.document import Document
from reviewer.extract.facts import ReportFacts
from reviewer.findings import Review
from reviewer.crossreport.names import normalise_agency
from reviewer.formats import FORMATS


@dataclass(eq=False)  # identity, not deep comparison of whole documents
class Report:
    doc: Document
    facts: ReportFacts
    review: Review
    reference: bool = False  # from a reference folder: compared against, never given findings

    @property
    def agency_key(self) -> str | None:
        return normalise_agency(self.facts.agency or self.review.report.agency)

    @property
    def year(self) -> int | None:
        return self.facts.year or self.review.report.year

    @property
    def name(self) -> str:
        """How a message names this report: agency, year and file."""
        agency = self.facts.agency or self.review.report.agency or "（机关不详）"
        year = f"{self.year}年度" if self.year else "年度不详"
        return f"{agency}{year}报告（{self.doc.source}）"


# What the cross-report checks read of a report's facts: the logical tables compared across years.
# (the tables holding the metrics continuity.py compares, in every format)
COMPARED_TABLES = tuple(sorted({ref.split("/")[0] for f in FORMATS.values() for m in f.metrics
                                if m.id.startswith(("apply.carried", "apply.forward", "rules.", "normative."))
                                for ref in m.cells}))


def slim_inputs(doc: Document, facts: ReportFacts) -> tuple[Document, ReportFacts]:
    """The same report with only what these checks read: prose blocks, the compared tables'
    cells, sections, agency/year/title. Cheap to store and to load again (a batch keeps one
    per report until the batch completes)."""
    blocks = [b if b.kind != "table" else b.model_copy(update={"table": None}) for b in doc.blocks]
    tables = {k: (t if k in COMPARED_TABLES else t.model_copy(update={"cells": {}})) for k, t in facts.tables.items()}
    slim_facts = facts.model_copy(update={"tables": tables, "claims": [], "parts_groups": [], "years": [],
                                          "artefacts": []})
    return doc.model_copy(update={"blocks": blocks}), slim_facts
