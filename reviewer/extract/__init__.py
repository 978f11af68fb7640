"""Document + format → ReportFacts."""

from __future__ import annotations

import re

from reviewer.document import Document
from reviewer.extract.facts import LogicalTable, ReportFacts, SectionInfo
from reviewer.extract.header import read_header, read_period, signature_agency
from reviewer.extract.sections import find_heading_hits, primary_sections
from reviewer.extract.stream import Stream, build_stream
from reviewer.extract.tables import TableReader, present_unreadable, read_column_groups
from reviewer.extract.textnorm import compact, loose_pattern
from reviewer.extract.years import year_mentions
from reviewer.findings import Location
from reviewer.formats import DEFAULT_FORMAT, FORMATS, ReportFormat, detect_layout, format_for_year

_ARTEFACTS = re.compile(
    r"\[(?:bookmark|image|footnote|comment)[^\]]*\]|_GoBack|HYPERLINK\s+\"[^\"]*\"|PAGEREF\s+\S+|"
    r"MERGEFORMAT|\{\\[a-z]+[^}]*\}|<!--\[if[^>]*>|mso-[a-z-]+:|&nbsp;|\ufffd{1,}",
    re.I,
)


def choose_format(doc: Document, year: int | None) -> tuple[ReportFormat, ReportFormat]:
    """(format the report should follow by its year, layout its tables are in)."""
    return format_for_year(year), detect_layout(doc.text)


def extract(doc: Document) -> ReportFacts:
    comp = compact(doc.text)
    header = read_header(comp)
    period = read_period(comp)
    due, layout = choose_format(doc, header.year)
    facts = ReportFacts(format_id=due.id, template=layout.id, title=header.title, agency=header.agency,
                        year=header.year)
    if header.title_span:
        facts.title_location = _location(doc, header.title_span, facts)
    if period.span:
        facts.period_text = period.text
        facts.period_location = _location(doc, period.span, facts)
    facts.period_problem = period.problem
    facts.period_unreadable = period.unreadable
    if facts.agency is None:
        facts.agency = signature_agency(comp)
    if period.start:
        facts.period_start = period.start.isoformat()
        facts.period_end = period.end.isoformat()

    unrecognised = []
    hits = find_heading_hits(doc, due, comp, unrecognised)
    facts.sections = primary_sections(doc, hits)
    facts.headings = [SectionInfo(key=h.key, number=h.number, heading=h.heading.strip(), block_id="",
                                  start=h.start, end=h.end, order=i, exact=h.exact) for i, h in enumerate(hits)]
    facts.unrecognised_headings = [SectionInfo(key="", number=h.number, heading=h.heading.strip(), block_id="",
                                               start=h.start, end=h.end, order=i, exact=False)
                                   for i, h in enumerate(unrecognised)]
    if facts.title_location:
        facts.title_location.section = None

    stream = build_stream(doc)
    facts.tables = read_tables(layout, stream, facts)
    table_spans = [t.span for t in facts.tables.values() if t.span]
    facts.years = year_mentions(doc, facts.sections, table_spans, comp,
                                [h.start + len(h.heading) for h in hits])
    facts.artefacts = [
        _location(doc, (m.start(), m.end()), facts, text=m.group()) for m in _ARTEFACTS.finditer(doc.text)
    ]
    _add_claims(doc, facts, table_spans)
    return facts


def read_tables(layout: ReportFormat, stream: Stream, facts: ReportFacts) -> dict[str, LogicalTable]:
    tables: dict[str, LogicalTable] = {}
    limit = len(stream.text)
    for spec in layout.tables:
        start, anchored = _table_start(spec, stream, facts)
        if spec.follows:  # no title of its own: search after the table it follows, or from its section on
            before = tables.get(spec.follows)
            sec = next((s for s in facts.sections if s.key == layout.table(spec.follows).section), None)
            if before is not None and before.span:
                start = stream.offset_of(before.span[1])
            elif sec is not None:
                start = stream.offset_of(sec.start)
        if spec.layout == "column_groups":
            table = read_column_groups(spec, layout, stream, start, limit)
        else:
            table = TableReader(spec, layout, stream).read(start, limit)
            if not table.found and anchored:
                # its anchor, then one of its row labels: the table is there even if no row can be read
                label = next(r.label for r in spec.rows if r.label != spec.anchor[0])
                table = present_unreadable(spec, stream, start, limit, (spec.anchor[0], label)) or table
        tables[spec.id] = table
    return tables


def _table_start(spec, stream: Stream, facts: ReportFacts) -> tuple[int, bool]:
    """Search from the table's anchor; else from its section; else from the top.
    The flag says whether the anchor was found."""
    for anchor in spec.anchor[:1]:
        m = re.compile(loose_pattern(anchor)).search(stream.text)
        if m:
            return m.start(), True
    for s in facts.sections:
        if s.key == spec.section:
            return stream.offset_of(s.start), False
    return 0, False


def _location(doc: Document, span: tuple[int, int], facts: ReportFacts, text: str | None = None) -> Location:
    from reviewer.extract.sections import block_at

    return Location(section=facts.section_at(span[0]), block_id=block_at(doc, span[0]), span=span,
                    text=text if text is not None else doc.text[span[0]:span[1]])


def _add_claims(doc: Document, facts: ReportFacts, table_spans: list[tuple[int, int]]) -> None:
    try:
        from reviewer.extract.claims import extract_claims
    except ImportError:  # prose claims are added by reviewer.extract.claims once present
        return
    from reviewer.extract.statements import extract_statements

    claims, groups = extract_claims(doc, facts.sections, table_spans, year=facts.year,
                                   fmt=FORMATS.get(facts.template or facts.format_id, DEFAULT_FORMAT))
    facts.claims = claims
    facts.parts_groups = groups
    facts.statements = extract_statements(doc, facts.sections, table_spans)
