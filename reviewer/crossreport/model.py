"""The unit of cross-report checking: one reviewed report with what extraction learned."""

from __future__ import annotations

from dataclasses import dataclass

from reviewer.document import Document
from reviewer.extract.facts import ReportFacts
from reviewer.findings import Review
from reviewer.crossreport.names import normalise_agency


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
