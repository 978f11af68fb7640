"""What the model is shown: the narrative (sections minus table data) and a table summary.

The tables were already parsed by the deterministic engine, so the model gets
their key numbers as one line per metric instead of hundreds of raw cells, and
is never asked to add anything up. Only sentences that state a number, a year,
an absence (无/未/没有) or a fee are sent, and of a long comma-chained sentence
only those clauses — the rest is descriptive boilerplate that can hold neither
a claim nor a dated statement; section 五 is judged as a whole and sent in full
(``llm_full_narrative`` sends everything). Elisions are marked “…”, and the
prompt forbids quotes across them, so every quote stays contiguous in the draft.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from reviewer.document import Document
from reviewer.extract.facts import ReportFacts
from reviewer.formats import own_format

_SENTENCE = re.compile(r"[^。！？；!?;\n]+[。！？；!?;]?")
_SALIENT = re.compile(r"[0-9０-９〇零两]|无|未|没有|不存在|费|其中")
# digits in phone numbers and addresses say nothing about the year's work
_NOISE = re.compile(r"https?://\S+|www\.\S+|\(?0\d{2,3}\)?[-－]?\d{7,8}")
_SPACE = re.compile(r"\s+")
_CLAUSE = re.compile(r"[^，,：:]+[，,：:]?")
_LONG = 60  # characters; longer sentences are cut down to their salient clauses
WHOLE_SECTIONS = ("五",)


@dataclass(frozen=True)
class NarrativeInput:
    year: str
    narrative: str
    table_summary: str


def _subtract(span: tuple[int, int], holes: list[tuple[int, int]]) -> list[tuple[int, int]]:
    pieces = [span]
    for hs, he in holes:
        nxt = []
        for s, e in pieces:
            if he <= s or hs >= e:
                nxt.append((s, e))
                continue
            if s < hs:
                nxt.append((s, hs))
            if he < e:
                nxt.append((he, e))
        pieces = nxt
    return pieces


def _table_ranges(doc: Document, facts: ReportFacts) -> list[tuple[int, int]]:
    ranges = [b.span for b in doc.blocks if b.kind == "table"]
    by_id = {b.id: b for b in doc.blocks}
    for t in facts.tables.values():
        if t.span:  # flattened text: table data inside a paragraph that also holds prose
            ranges.append(tuple(t.span))
        elif t.found:  # no span: its blocks, unless such a block is prose too
            ranges += [by_id[i].span for i in t.block_ids if i in by_id and by_id[i].kind == "table"]
    return sorted(ranges)


def _sections(doc: Document, facts: ReportFacts) -> list[tuple[str, str, int, int]]:
    """(key, label, start, end) in document order; preamble first."""
    if not facts.sections:
        return [("", "全文", 0, len(doc.text))]
    secs = sorted(facts.sections, key=lambda s: s.start)
    out = [("", "标题与前言", 0, secs[0].start)]
    for i, s in enumerate(secs):
        end = min(s.end, secs[i + 1].start) if i + 1 < len(secs) else max(s.end, len(doc.text))
        out.append((s.key, " ".join(s.heading.split()), s.start, end))
    return out


def _salient(text: str) -> bool:
    return bool(_SALIENT.search(_NOISE.sub("", text)))


def _kept_clauses(sentence: str) -> list[str]:
    """A long comma-chained sentence: only its salient clauses (a bare “2024年，” keeps the next one)."""
    clauses = [c for c in _CLAUSE.findall(sentence) if c.strip()]
    keep = [_salient(c) for c in clauses]
    for i, c in enumerate(clauses[:-1]):
        if keep[i] and len(c) <= 12:  # “2024年，”, “全年，” say nothing without what follows
            keep[i + 1] = True
    return [c if k else "…" for c, k in zip(clauses, keep)]


def _kept_text(text: str, whole: bool) -> str:
    parts: list[str] = []
    for m in _SENTENCE.finditer(text):
        sentence = _SPACE.sub(" ", m.group()).strip()
        if not sentence:
            continue
        if whole:
            pieces = [sentence]
        elif not _salient(sentence):
            pieces = ["…"]
        elif len(sentence) > _LONG:
            pieces = _kept_clauses(sentence)
        else:
            pieces = [sentence]
        for piece in pieces:
            if piece != "…" or not parts or parts[-1] != "…":
                parts.append(piece)
    return "".join(parts)


def build_narrative(doc: Document, facts: ReportFacts, full: bool = False) -> str:
    holes = _table_ranges(doc, facts)
    text_blocks = [b for b in doc.blocks if b.kind != "table"] or None
    out: list[str] = []
    for key, label, start, end in _sections(doc, facts):
        if text_blocks is None:  # no blocks: the raw range
            spans = [(start, end)]
        else:
            spans = [(max(b.span[0], start), min(b.span[1], end)) for b in text_blocks
                     if b.span[0] < end and b.span[1] > start]
        lines = []
        for span in spans:
            for s, e in _subtract(span, holes):
                # without sections we cannot tell where 五 is: send everything
                kept = _kept_text(doc.text[s:e], full or not facts.sections or key in WHOLE_SECTIONS)
                if kept and kept != "…":
                    lines.append(kept)
        # the heading itself is shown in the 【】 label; skip it as a line
        lines = [ln for ln in lines if _SPACE.sub("", ln) != _SPACE.sub("", label)]
        if lines or key:
            out.append(f"【{label}】")
            out.extend(lines)
    return "\n".join(out)


def _fmt(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else f"{v:g}"


def table_summary(facts: ReportFacts) -> str:
    """“metric=value” for every metric the parsed tables hold (meanings are in the system prompt)."""
    items = []
    for m in own_format(facts).metrics:
        if not m.cells or not m.llm:
            continue
        values = []
        for ref in m.cells:
            table_id, row, column = ref.split("/")
            table = facts.tables.get(table_id)
            v = table.value(row, column) if table and table.found and table.readable else None
            values.append(v)
        if any(v is None for v in values):
            continue
        total = sum(values)
        if m.id.startswith("apply.new.") and total == 0:
            continue  # zero categories add tokens and nothing else
        items.append(f"{m.id}={_fmt(total)}")
    return "；".join(items) or "（表格未能解析）"


def build_input(doc: Document, facts: ReportFacts, full: bool = False) -> NarrativeInput:
    return NarrativeInput(year=str(facts.year or "未知"), narrative=build_narrative(doc, facts, full),
                          table_summary=table_summary(facts))
