"""Near-identical narratives across reports, and the same agency submitted twice.

Shingling with document frequency: every narrative is cut into overlapping
character k-grams; a k-gram found in many reports of the set is boilerplate
(the standard phrases every report uses) and does not count. Two reports are
near-duplicates when the non-boilerplate k-grams they share cover most of the
smaller narrative. Only k-grams shared by a few reports produce candidate
pairs (an inverted index), so 500 reports cost seconds, not 125 000 diffs.
The matched passages are the sentences whose k-grams are almost all in the
other report; they are quoted and located.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from itertools import combinations

from reviewer.checks.crossreport_rules import NARRATIVE, SUBMISSION
from reviewer.checks.registry import finding
from reviewer.crossreport.model import Report
from reviewer.findings import Finding, Location

K = 8  # characters per shingle: long enough to skip common phrases, short enough for edited copies
THRESHOLD = 0.8  # share of the smaller narrative's distinctive text found in the other report
# With few reports the boilerplate cannot be learned from document frequency (template phrases
# look distinctive), and two reports from one template already share ~85%: demand more.
SMALL_SET, SMALL_SET_THRESHOLD = 20, 0.92
SENTENCE_MATCH = 0.8  # a sentence counts as copied when this share of its shingles is in the other report
MIN_SHINGLES = 20  # narratives with less distinctive text than this are not compared
MIN_SENTENCE = 12
MAX_QUOTES = 3
MAX_LOCATIONS = 10
_SENTENCE_END = re.compile(r"[。！？!?；;]")


def boilerplate_cap(n_reports: int) -> int:
    """A shingle in more reports than this is boilerplate."""
    return max(3, math.ceil(0.05 * n_reports))


@dataclass
class Sentence:
    block_id: str
    start: int  # span in Document.text
    end: int
    text: str
    shingles: set[int]


@dataclass
class Narrative:
    sentences: list[Sentence] = field(default_factory=list)
    shingles: set[int] = field(default_factory=set)


def _shingles(text: str) -> set[int]:
    s = "".join(text.split())
    if len(s) < K:
        return {hash(s)} if s else set()
    return {hash(s[i:i + K]) for i in range(len(s) - K + 1)}


def narrative(report: Report) -> Narrative:
    """Prose paragraphs from the first section heading on; title, intro and tables excluded."""
    doc, facts = report.doc, report.facts
    start = min((s.start for s in facts.sections), default=0)
    table_spans = [t.span for t in facts.tables.values() if t.span]
    out = Narrative()
    for block in doc.blocks:
        if block.kind != "paragraph" or block.span[0] < start:
            continue
        if any(ts[0] <= block.span[0] < ts[1] for ts in table_spans):
            continue
        pos = block.span[0]
        for piece in _SENTENCE_END.split(doc.text[block.span[0]:block.span[1]]):
            end = pos + len(piece) + 1  # keep the sentence's closing mark
            text = doc.text[pos:min(end, block.span[1])].strip()
            if len(text) >= MIN_SENTENCE:
                lead = len(doc.text[pos:end]) - len(doc.text[pos:end].lstrip())
                sh = _shingles(text)
                out.sentences.append(Sentence(block.id, pos + lead, pos + lead + len(text), text, sh))
                out.shingles |= sh
            pos = end
    return out


@dataclass
class Match:
    a: int
    b: int
    similarity: float


def boilerplate(narratives: list[Narrative]) -> set[int]:
    df: Counter[int] = Counter()
    for n in narratives:
        df.update(n.shingles)
    cap = boilerplate_cap(len(narratives))
    return {s for s, n in df.items() if n > cap}


def similar_pairs(narratives: list[Narrative], threshold: float | None = None,
                  common: set[int] | None = None) -> list[Match]:
    if threshold is None:
        threshold = THRESHOLD if len(narratives) >= SMALL_SET else SMALL_SET_THRESHOLD
    common = boilerplate(narratives) if common is None else common
    index: dict[int, list[int]] = defaultdict(list)
    totals = []
    for i, n in enumerate(narratives):
        distinctive = n.shingles - common
        totals.append(len(distinctive))
        for s in distinctive:
            index[s].append(i)
    shared: Counter[tuple[int, int]] = Counter()
    for docs in index.values():
        if len(docs) < 2:
            continue
        for pair in combinations(docs, 2):
            shared[pair] += 1
    out = []
    for (a, b), n in shared.items():
        smaller = min(totals[a], totals[b])
        if smaller >= MIN_SHINGLES and n / smaller >= threshold:
            out.append(Match(a, b, n / smaller))
    return sorted(out, key=lambda m: (m.a, m.b))


def _passages(mine: Narrative, other: Narrative, common: set[int]) -> list[Sentence]:
    """Copied sentences of ``mine`` (not pure boilerplate), consecutive ones in a block merged."""
    out: list[Sentence] = []
    for s in mine.sentences:
        if not s.shingles or len(s.shingles & other.shingles) / len(s.shingles) < SENTENCE_MATCH:
            continue
        if not (s.shingles - common) & other.shingles:
            continue
        if out and out[-1].block_id == s.block_id and s.start - out[-1].end <= 2:
            prev = out[-1]
            out[-1] = Sentence(prev.block_id, prev.start, s.end, "", prev.shingles | s.shingles)
        else:
            out.append(Sentence(s.block_id, s.start, s.end, s.text, s.shingles))
    return out


def _quote(text: str, limit: int = 120) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"


def narrative_finding(mine: Report, other: Report, mine_n: Narrative, other_n: Narrative,
                      similarity: float, same_agency: bool, common: set[int]) -> Finding:
    passages = _passages(mine_n, other_n, common)
    texts = [mine.doc.text[p.start:p.end] for p in passages]
    locations = [Location(block_id=p.block_id, span=(p.start, p.end), text=t,
                          section=mine.facts.section_at(p.start))
                 for p, t in zip(passages[:MAX_LOCATIONS], texts)]
    pct = round(similarity * 100)
    if same_agency:
        message = f"本年度报告的叙述部分与{other.name}几乎相同（相同内容约占{pct}%），疑似沿用上年报告"
        suggestion = "按本年度实际工作情况重新撰写总体情况、存在的主要问题及改进情况等叙述内容"
    else:
        message = f"叙述部分与{other.name}高度雷同（相同内容约占{pct}%），疑似相互抄用"
        suggestion = "核实叙述内容是否为本机关本年度的实际情况，删除或改写照搬的内容"
    return finding(NARRATIVE.id, message, locations, evidence=[_quote(t) for t in texts[:MAX_QUOTES]],
                   actual=f"{pct}%", suggestion=suggestion)


def narrative_duplicates(reports: list[Report]) -> list[tuple[Report, Finding]]:
    narratives = [narrative(r) for r in reports]
    common = boilerplate(narratives)
    out: list[tuple[Report, Finding]] = []
    for m in similar_pairs(narratives, common=common):
        a, b = reports[m.a], reports[m.b]
        same_agency = a.agency_key is not None and a.agency_key == b.agency_key
        if same_agency and a.year == b.year:
            continue  # the same report twice: duplicate.submission says so
        if same_agency and a.year and b.year:
            # year over year: only the later report copied the earlier one
            targets = [(m.a, m.b) if a.year > b.year else (m.b, m.a)]
        else:
            targets = [(m.a, m.b), (m.b, m.a)]
        for mi, oi in targets:
            mine, other = reports[mi], reports[oi]
            if mine.reference:
                continue
            out.append((mine, narrative_finding(mine, other, narratives[mi], narratives[oi], m.similarity,
                                                same_agency, common)))
    return out


def submission_duplicates(reports: list[Report]) -> list[tuple[Report, Finding]]:
    groups: dict[tuple[str, int | None], list[Report]] = defaultdict(list)
    for r in reports:
        if not r.reference and r.agency_key:
            groups[(r.agency_key, r.year)].append(r)
    out = []
    for members in groups.values():
        if len(members) < 2:
            continue
        for r in members:
            others = "、".join(o.doc.source for o in members if o is not r)
            loc = r.facts.title_location or Location()
            out.append((r, finding(
                SUBMISSION.id,
                f"同一机关同一年度的报告在本批次中提交了{len(members)}份：另见 {others}",
                [loc] if loc.span or loc.block_id else [],
                evidence=[o.name for o in members if o is not r],
                suggestion="确认以哪一份为准，撤回其余重复提交的报告",
            )))
    return out
