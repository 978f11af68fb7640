"""Numeric claims the prose makes (“接收政府信息公开申请1条”), mapped onto the format's metrics.

How it works:

1. The paragraph and heading blocks (never tables, never the ``exclude`` ranges)
   are glued into one string (``_Text``, full-width digits folded): lines of a
   hard-wrapped PDF/Markdown text directly, other blocks with a ``BREAK``
   (a sentence end) between them. Positions map back to ``Document.text``.
2. Every number followed by a counting unit (件/条/个/篇/项 … or 元/万元) is a
   candidate. The clause before it and the clause after it, with whitespace
   removed (so “申请 2\n件” reads “申请2件”), are tried against ``RULES`` — a
   table of (metric, pattern before, pattern after) — first hit wins, so
   specific phrasings come before general ones. To add a phrasing, add a row.
3. Phrases that state zero in words (“未收到政府信息公开申请”,
   “无收取信息处理费”) are ``ZERO_RULES``.
4. A whole followed by “其中 a、b、c” becomes a ``PartsGroup``.

Precision beats recall: a wrong claim makes a false error on a correct
report, so anything about another year, a change (较上年增加…), an estimate
(约、超过) or a plan (将、计划) is skipped, and measures that are easily
confused (行政复议 in general vs. about 信息公开) need context.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right, insort
from dataclasses import dataclass, field
from typing import Iterable, Sequence

from reviewer.document import Document
from reviewer.extract.facts import Claim, PartsGroup, SectionInfo, section_at
from reviewer.extract.numerals import fold, parse_number
from reviewer.extract.claim_rules import _KEY_INDEX, RULES, ZERO_RULES, Rule, ZeroRule
from reviewer.findings import Location
from reviewer.formats import DEFAULT_FORMAT, ReportFormat
from reviewer.formats.common import CHANNEL_WORDS, COUNT_UNITS

# The unit is really the start of another word: 3个月, 一件事, 两条例.
_UNIT_WORD = {"个": ("月", "工作日", "小时", "百分点", "季度", "自然日", "部门", "单位", "方面"),
              "件": ("事",), "条": ("例", "款", "线", "龙"), "项": ("目",), "元": ("素",)}
UNIT_CHARS = "".join(sorted(COUNT_UNITS)) + "元"  # 万元 is found from its 元
_NUM_CHARS = frozenset("0123456789零〇一二两三四五六七八九十百千万亿")
_NUM_BODY = _NUM_CHARS | frozenset(".,，")
_GAP = frozenset(" \t\n\r\u3000\xa0")  # allowed between a number and its unit (“34 件”, “2\n件”)
BREAK = "\x00"  # joins blocks that are not one wrapped sentence; a sentence end for every rule
_SENTENCE_END = ("。", "！", "？", "!", "?", "|", BREAK)
_PARENS = ("（", "(", "）", ")")
_AFTER_END = (*_SENTENCE_END, "，", ",", "；", ";", "：", ":", *_PARENS)
_CLAUSE_END = (*_AFTER_END, "、")  # a part list “自然人32件、商业企业2件” is one clause per part
_NO_WRAP_END = frozenset("。！？；：| \t")  # a line ending so is complete
_YEAR_RE = re.compile(r"(?<![\d－—\-~至])((?:19|20)\d{2})年")
# Words that make the number something other than this year's count (上年结转 is a measure of its own).
_VETO_BEFORE = re.compile(
    r"较|比上|比去|同比|环比|增加|减少|增长|下降|上升|提高|去年|上一?年(?!度?结转)|前年|将|计划|拟|力争|预计|目标|"
    r"超过|约|近|平均|日均|月均|每天|每日|每月|每周|每年|占|以来")
# A running total over the years (“到年底累计主动公开…”) is not this year's count; only 现行有效 is one.
_VETO_CUMULATIVE = re.compile(r"截至|截止|到年底|至年底|年底|至今|历年|累计至")
_VETO_AFTER = re.compile(r"[较比](?:上|去)年|同比|环比|(?:上|去)年同期")
_VETO_AFTER_START = ("以上", "以下", "左右", "%", "％")
_PART_OF_RE = re.compile(r"[，,；;。（(]?其中(?!包括|包含|含)[，,：:]?")
# “3022条（门户网站2251条、微信公众号771条）”: a breakdown in parentheses, without 其中 (not “（含…）”)
_PAREN_PARTS_RE = re.compile(r"[（(](?!含|包括|包含|其中包括|约|同比|较|比|占)")
_AMONG = re.compile(r"(?:政府)?(?:信息)?中$")  # “在主动公开的80条（信息）中，…”: the parts follow
_INCLUDES_CARRIED = re.compile(r"[（(，,]?(?:含|包括|包含|其中)(?:上一?年度?|去年)(?:结转|转结)")
_THIS_YEAR_NEW = re.compile(r"(?:本年度?|当年|今年)新增")
# A sentence that refers back (“涉及的行政诉讼数为0件”) takes its context from the one before.
_BACK_REFERENCE = ("涉及", "该", "上述", "其中", "此类", "相关", "以上")

MAX_BEFORE = 40  # normalised characters of the clause before a number that rules see
MAX_AFTER = 48
RAW_REACH = 72  # raw characters read around a number (whitespace included) to get those
SENTENCE_REACH = 300
ZERO_REACH = 40  # how far a zero phrase may extend around its key word


def _compact(s: str) -> str:
    """Whitespace (and Markdown emphasis) removed: hard-wrapped lines read as one."""
    out = "".join(s.split())
    return out.replace("*", "") if "*" in out else out


_CHAR_SETS: dict[tuple[str, ...], re.Pattern[str]] = {}


def _set_re(chars: tuple[str, ...]) -> re.Pattern[str]:
    pattern = _CHAR_SETS.get(chars)
    if pattern is None:
        pattern = _CHAR_SETS[chars] = re.compile("[" + re.escape("".join(chars)) + "]")
    return pattern


def _last(s: str, chars: tuple[str, ...]) -> int:
    """Index of the last of ``chars`` in ``s``, -1 if none (one C-level search on the reversed string)."""
    m = _set_re(chars).search(s[::-1])
    return len(s) - 1 - m.start() if m else -1


def _first(s: str, chars: tuple[str, ...]) -> int:
    """Index of the first of ``chars`` in ``s``, len(s) if none."""
    m = _set_re(chars).search(s)
    return m.start() if m else len(s)


# ---------------------------------------------------------------- the scanned text --
class _Text:
    """Paragraph/heading text outside ``exclude``, glued into one string, and the way back.

    Blocks that continue a hard-wrapped sentence are glued directly; others get
    ``BREAK`` between them. Whitespace stays (rules see compacted windows), so
    mapping back is one bisect over the segments.
    """

    def __init__(self, doc: Document, exclude: Sequence[tuple[int, int]]):
        text = doc.text
        folded = fold(text)
        width, widths = _wrap_width(doc) if doc.media_type in ("txt", "md") else (None, {})  # docx/html: paragraphs
        full = 0.75 * width if width else None
        pieces: list[str] = []
        self.starts: list[int] = []  # start of each segment here …
        self.origins: list[int] = []  # … and in Document.text
        pos = 0
        prev_end: int | None = None
        wraps = False  # the previous segment is a full line that does not end a sentence
        for start, end, kind in _segments(doc, exclude):
            if prev_end is not None and not (wraps and kind != "heading" and _one_break(text[prev_end:start])):
                pieces.append(BREAK)
                pos += 1
            self.starts.append(pos)
            self.origins.append(start)
            pieces.append(folded[start:end])
            pos += end - start
            prev_end = end
            wraps = (full is not None and kind != "heading" and text[end - 1] not in _NO_WRAP_END
                     and (widths.get(start) or _visual_width(text[start:end])) >= full)
        self.s = "".join(pieces)

    def orig(self, i: int) -> int:
        k = max(bisect_right(self.starts, i) - 1, 0)
        return self.origins[k] + (i - self.starts[k]) if self.starts else i

    def span(self, a: int, b: int) -> tuple[int, int]:
        return self.orig(a), self.orig(b - 1) + 1

    def sentence_start(self, pos: int) -> int:
        lo = max(0, pos - SENTENCE_REACH)
        return lo + _last(self.s[lo:pos], _SENTENCE_END) + 1


def _segments(doc: Document, exclude: Sequence[tuple[int, int]]) -> Iterable[tuple[int, int, str]]:
    cuts = sorted(exclude)
    reach = []  # reach[i]: the furthest end among cuts[:i + 1]; cuts before the first that reaches a block skip it
    for _, b in cuts:
        reach.append(max(b, reach[-1]) if reach else b)
    for block in doc.blocks:
        if block.kind == "table":
            continue
        start, end = block.span
        for a, b in cuts[bisect_right(reach, start):]:
            if a >= end:
                break  # sorted by start: no later cut reaches into this block
            if b <= start:
                continue
            if a > start:
                yield start, a, block.kind
            start = max(start, b)
        if end > start:
            yield start, end, block.kind


def _visual_width(s: str) -> int:
    """Display width: CJK counts 2, ASCII 1 (their UTF-8 lengths are 3 and 1)."""
    return (len(s.encode("utf-8")) + len(s)) // 2


def _wrap_width(doc: Document) -> tuple[int | None, dict[int, int]]:
    """The line width of a hard-wrapped text (PDF/Markdown extraction), None when lines are paragraphs;
    and each paragraph's width by its start."""
    widths = {b.span[0]: _visual_width(b.text) for b in doc.blocks if b.kind == "paragraph"}
    lines = sorted(w for b in doc.blocks if b.kind == "paragraph" and not b.text.startswith("|")
                   for w in (widths[b.span[0]],))
    if len(lines) < 8:
        return None, widths
    p90 = lines[int(len(lines) * 0.9)]
    return (p90 if p90 <= 120 else None), widths


def _one_break(gap: str) -> bool:
    return gap == "\n" or (gap.count("\n") == 1 and not gap.strip())


# ---------------------------------------------------------------- extraction --
@dataclass
class _Quantity:
    start: int  # span of the number in _Text.s
    end: int
    unit_end: int
    value: float
    unit: str
    before: str  # compacted clause before the number
    after: str  # compacted clause after the unit (a “、” list does not end it: “对29项…、…进行解读”)
    near: str  # the same, up to a “、” (what deny words are checked on)
    clause: tuple[int, int]  # the clause in _Text.s (the quote)
    after_end: int  # where the after-clause ends in _Text.s
    metric: str | None = None
    claim: Claim | None = None


@dataclass
class _Scan:
    doc: Document
    text: _Text
    sections: list[SectionInfo]
    year: int | None
    fmt: ReportFormat = DEFAULT_FORMAT
    block_starts: list[int] = field(default_factory=list)
    block_ids: list[str] = field(default_factory=list)


def extract_claims(doc: Document, sections: list[SectionInfo], exclude: Sequence[tuple[int, int]] = (),
                   year: int | None = None, fmt: ReportFormat = DEFAULT_FORMAT) -> tuple[list[Claim], list[PartsGroup]]:
    """Numeric claims of the prose and the “其中” groups among them, in document order.

    ``exclude``: character ranges of ``doc.text`` not to read (where table data was read).
    ``year``: the report's year (the title year); found near the top when not given.
    Figures in a sentence that names another year are skipped.
    ``fmt``: the format whose vocabulary (subjects, categories) says what a count is about.
    """
    text = _Text(doc, exclude)
    scan = _Scan(doc, text, sorted(sections, key=lambda s: s.start), year or _report_year(text.s), fmt)
    blocks = [b for b in doc.blocks if b.kind != "table"]
    scan.block_starts = [b.span[0] for b in blocks]
    scan.block_ids = [b.id for b in blocks]

    claims, taken = _zero_claims(scan)
    quantities = [q for q in _quantities(scan) if not _Taken.covers(taken, q.start)]
    for q in quantities:
        rule, metric = _classify(scan, q)
        if rule is not None:
            if rule.after is not None:  # the measure follows the number: quote through it
                q.clause = (q.clause[0], max(q.clause[1], q.after_end))
            q.metric = metric
            q.claim = _claim(scan, q, q.metric, q.value, q.unit)
    _drop_repeated_measures(scan, quantities)
    groups = _groups(scan, quantities)
    claims.extend(q.claim for q in quantities if q.claim is not None)
    claims.sort(key=lambda c: c.location.span[0] if c.location.span else 0)
    return claims, groups


def _drop_repeated_measures(scan: _Scan, quantities: list[_Quantity]) -> None:
    """“发布政策解读15篇，其中图文解读10篇，视频解读5篇”: after 其中, the same measure again is a part."""
    s = scan.text.s
    starts = [q.start for q in quantities]
    for i, q in enumerate(quantities):
        if q.metric is None:
            continue
        start = scan.text.sentence_start(q.start)
        for earlier in quantities[bisect_left(starts, start, 0, i):i]:  # only those in q's sentence
            if earlier.metric == q.metric and earlier.start >= start and "其中" in s[earlier.end:q.start]:
                q.metric = q.claim = None
                break


def _report_year(s: str) -> int | None:
    """The year in the title (the first year mentioned near the top)."""
    m = _YEAR_RE.search(_compact(s[:400]))
    return int(m.group(1)) if m else None


def _quantities(scan: _Scan) -> list[_Quantity]:
    """Every number directly followed by a unit. Found from the units: str.find is much faster than a regex."""
    s = scan.text.s
    found: list[_Quantity] = []
    for unit in UNIT_CHARS:
        p = s.find(unit)
        while p >= 0:
            q = _quantity_at(s, p, unit)
            if q is not None:
                found.append(q)
            p = s.find(unit, p + 1)
    found.sort(key=lambda q: q.start)
    return found


def _quantity_at(s: str, p: int, unit: str) -> _Quantity | None:
    k = p
    while k > 0 and s[k - 1] in _GAP and p - k < 3:
        k -= 1
    if k == 0 or s[k - 1] not in _NUM_CHARS:
        return None
    j = k - 1
    while j > 0 and s[j - 1] in _NUM_BODY and k - j < 24:
        j -= 1
    while s[j] in ".,，":
        j += 1
    if unit == "元" and s[k - 1] == "万" and k - 1 > j:
        unit, k = "万元", k - 1  # “18651.06万元”: the unit is 万元
    if j > 0 and s[j - 1] == "第":
        return None  # 第二十条
    value = parse_number(s[j:k])
    if value is None:
        cut = max(s.rfind("，", j, k), s.rfind(",", j, k))
        if cut < 0:
            return None
        j = cut + 1  # “…3，12件”: the number is 12
        value = parse_number(s[j:k])
        if value is None:
            return None
    unit_end = p + 1
    if any(s.startswith(w, unit_end) for w in _UNIT_WORD.get(unit, ())):
        return None
    lo = max(0, j - RAW_REACH)
    raw_before = s[lo:j]
    cut_before = _last(raw_before, _CLAUSE_END) + 1
    raw_after = s[unit_end:unit_end + RAW_REACH]
    after_cut = _first(raw_after, _AFTER_END)
    dun = raw_after.find("、", 0, after_cut)
    clause_cut = dun if dun >= 0 else after_cut
    start = lo + cut_before
    while start < j and s[start] in _GAP:
        start += 1
    return _Quantity(j, k, unit_end, value, unit, before=_compact(raw_before[cut_before:])[-MAX_BEFORE:],
                     after=_compact(raw_after[:after_cut])[:MAX_AFTER], near=_compact(raw_after[:clause_cut]),
                     clause=(start, unit_end + clause_cut), after_end=unit_end + after_cut)


def _classify(scan: _Scan, q: _Quantity) -> tuple[Rule | None, str | None]:
    """The rule that reads this number and the metric it states (the rule's verb may pick it)."""
    clause = q.before + q.after
    candidates = sorted({i for key, rules in _KEY_INDEX if key in clause for i in rules})
    if not candidates:
        return None, None
    in_part = _in_part(scan, q)
    near = q.before + q.near
    about = None  # the subject the sentence so far names, when not the metric's (computed once, when needed)
    for rule in (RULES[i] for i in candidates):
        if q.unit not in rule.units:
            continue
        if rule.deny and any(d in near for d in rule.deny):
            continue
        if rule.total and in_part:
            continue
        if rule.before is not None and not rule.before.search(q.before):
            continue
        if rule.after is not None and not rule.after.match(q.after):
            continue
        if not _context_ok(scan, rule.context, rule.context_sections, rule.context_deny, rule.wide, q.start,
                           q.clause[1]):
            continue
        if rule.metric.startswith("apply."):
            if about is None:
                about = _other_subject(scan, q)
            if about:
                # “被申请行政复议2件（含上年结转1件）”, “制发文件500条，其中…依申请公开260条”: not applications
                return None, None
        # a wide rule (复议/诉讼) takes its verb from the whole sentence so far: “发生复议2起，诉讼1起”
        metric = rule.metric_for(_compact(scan.text.s[scan.text.sentence_start(q.start):q.start]) if rule.wide
                                 else q.before)
        if metric in ("apply.new", "apply.received") and _INCLUDES_CARRIED.match(
                _compact(scan.text.s[q.after_end:q.after_end + 16])):
            metric = "apply.new+apply.carried"  # “收到申请36件（含上年结转2件）”: both together
        if not rule.metric.endswith(".in_force") and _VETO_CUMULATIVE.search(q.before):
            return None, None
        return (None, None) if _vetoed(scan, q.before, q.after, q.start) else (rule, metric)
    return None, None


def _other_subject(scan: _Scan, q: _Quantity) -> str:
    """The subject the sentence so far is about when it is not applications ("" when it may be): cases
    (复议/诉讼 named anywhere before the number), or documents (a document noun and a making verb, no
    application named — 依申请公开 is a document's disclosure attribute, not an application)."""
    so_far = _compact(scan.text.s[scan.text.sentence_start(q.start):q.start])
    about = scan.fmt.other_subject("apply.new", so_far, q.unit)
    apps = scan.fmt.subject("applications")
    if about == "documents" and apps is not None and apps.named_in(q.near):
        return ""  # “…共制发…，收到申请5件”: the clause itself names applications
    return about


def _in_part(scan: _Scan, q: _Quantity) -> bool:
    """The number sits in a “其中…” clause, so it is a part, not a total."""
    if _THIS_YEAR_NEW.search(q.before):
        return False  # “其中，本年度新增主动公开…2110条”: this year's total under a running one
    if q.before.startswith("其中"):
        return True
    head = _compact(scan.text.s[max(0, q.clause[0] - 8):q.clause[0]])
    return head.endswith(("其中，", "其中,", "其中：", "其中:"))


def _vetoed(scan: _Scan, before: str, after: str, pos: int) -> bool:
    if _VETO_BEFORE.search(before) or after.startswith(_VETO_AFTER_START) or _VETO_AFTER.search(after):
        return True
    return _other_year(scan, pos)


def _other_year(scan: _Scan, pos: int) -> bool:
    """The sentence names a year other than the report's before this number (last year's figures, plans)."""
    if scan.year is None:
        return False
    sentence = _compact(scan.text.s[scan.text.sentence_start(pos):pos])
    years = [m for m in _YEAR_RE.finditer(sentence)
             if sentence.count("《", 0, m.start()) <= sentence.count("》", 0, m.start())]  # not in a title
    return bool(years) and int(years[-1].group(1)) != scan.year


def _context_ok(scan: _Scan, context: tuple[str, ...], sections: tuple[str, ...], deny: tuple[str, ...],
                wide: bool, pos: int, end: int) -> bool:
    if not context and not deny:
        return True
    s = scan.text.s
    start = scan.text.sentence_start(pos)
    if deny and any(d in _compact(s[start:pos]) for d in deny):
        return False
    if not context:
        return True
    if sections and section_at(scan.sections, scan.text.orig(pos)) in sections:
        return True
    if wide and _compact(s[start:start + 8]).startswith(_BACK_REFERENCE):
        start = scan.text.sentence_start(max(start - 1, 0))
    window = _compact(s[start:end])
    return any(c in window for c in context)


class _Taken:
    """Disjoint spans, sorted by start: an overlap test is one bisect instead of a scan of all of them."""

    @staticmethod
    def overlaps(taken: list[tuple[int, int]], ms: int, me: int) -> bool:
        k = bisect_left(taken, (me,)) - 1  # the last span starting before me (disjoint: it ends last)
        return k >= 0 and taken[k][1] > ms

    @staticmethod
    def covers(taken: list[tuple[int, int]], pos: int) -> bool:
        k = bisect_right(taken, (pos, float("inf"))) - 1  # the last span starting at or before pos
        return k >= 0 and pos < taken[k][1]


def _zero_claims(scan: _Scan) -> tuple[list[Claim], list[tuple[int, int]]]:
    claims: list[Claim] = []
    taken: list[tuple[int, int]] = []
    for rule in ZERO_RULES:
        for zs, ze, ms, me in _anchored(rule, scan.text.s):
            if _Taken.overlaps(taken, ms, me):
                continue
            lo = max(0, ms - RAW_REACH)
            raw = scan.text.s[lo:ms]
            cs = lo + _last(raw, _CLAUSE_END) + 1
            if _vetoed(scan, _compact(scan.text.s[cs:zs]), "", zs):
                continue
            if not _context_ok(scan, rule.context, rule.context_sections, (), True, zs, me):
                continue
            insort(taken, (ms, me))
            ce = me + _first(scan.text.s[me:me + RAW_REACH], _CLAUSE_END)
            q = _Quantity(zs, ze, ze, 0.0, "", before="", after="", near="", clause=(cs, ce), after_end=ce)
            for metric in rule.metrics:
                claims.append(_claim(scan, q, metric, 0.0, None))
    return claims, taken


def _anchored(rule: ZeroRule, s: str) -> Iterable[tuple[int, int, int, int]]:
    """(zero word span, match span) of the rule near its key words, matched on compacted windows."""
    seen: set[int] = set()
    for key in rule.keys:
        p = s.find(key)
        while p >= 0:
            lo = max(0, p - ZERO_REACH)
            window = s[lo:p + len(key) + ZERO_REACH]
            p = s.find(key, p + 1)
            if not any(h in window for h in rule.hints):
                continue
            compact = _compact(window)
            m = rule.pattern.search(compact)
            if m is None:
                continue
            if len(compact) == len(window):
                index: Sequence[int] = range(len(window))
            else:  # hard-wrapped: matched without the line breaks, mapped back through the index
                index = [i for i, ch in enumerate(window) if not ch.isspace() and ch != "*"]
            if lo + index[m.start()] not in seen:
                seen.add(lo + index[m.start()])
                zs, ze = m.span("z")
                yield lo + index[zs], lo + index[ze - 1] + 1, lo + index[m.start()], lo + index[m.end() - 1] + 1


def _claim(scan: _Scan, q: _Quantity, metric: str, value: float, unit: str | None) -> Claim:
    a, b = scan.text.span(q.start, q.end)
    qa, qb = scan.text.span(*q.clause)
    # model_construct: every field is built here with its declared type, so validation would only cost time
    location = Location.model_construct(section=section_at(scan.sections, a), block_id=_block(scan, a), span=(a, b),
                                        text=scan.doc.text[a:b])
    return Claim.model_construct(metric=metric, value=float(value), unit=unit, quote=scan.doc.text[qa:qb],
                                 location=location)


def _block(scan: _Scan, offset: int) -> str | None:
    k = bisect_right(scan.block_starts, offset) - 1
    return scan.block_ids[k] if k >= 0 else None


# ---------------------------------------------------------------- “其中” groups --

@dataclass(frozen=True)
class Family:
    """Which parts a whole of this metric can be split into after “其中”."""

    whole: str
    stop: tuple[str, ...]  # a clause naming one of these is a different measure: the group ends
    parts: tuple[tuple[str, tuple[str, ...]], ...]  # (metric, words naming it); first hit wins
    default: str | None = None  # metric of a part that names none of them (None: the group is void)
    allowed: tuple[str, ...] = ()  # metrics a part may already have been read as
    overlap: bool = False  # parts may overlap (one item published on several channels)


_APPLICANTS = (
    ("void", ("法人或其他组织", "法人和其他组织", "法人")),
    ("apply.new.natural", ("自然人", "公民", "个人", "群众")),
    ("apply.new.commercial", ("商业企业", "企业")),
    ("apply.new.research", ("科研机构",)),
    ("apply.new.nonprofit", ("社会公益组织", "公益组织")),
    ("apply.new.legal", ("法律服务机构", "律师")),
    ("apply.new.other", ("其他",)),
)
_OUTCOMES = tuple((m, ()) for m in ("apply.disclosed", "apply.partial", "apply.withheld", "apply.unavailable",
                                    "apply.not_processed", "apply.other"))

FAMILIES: dict[str, Family] = {
    "proactive.total": Family(
        "proactive.total",
        stop=("申请", "解读", "回应", "复议", "诉讼", "收费", "处理费", "答复", "办结", "受理", "留言", "访问",
              "浏览", "点击", "粉丝", "关注"),
        parts=(("normative.issued", ("规范性文件",)), ("rules.issued", ("规章",))),
        default="proactive.part", allowed=("normative.issued", "rules.issued", "proactive.total"), overlap=True),
    "apply.new": Family("apply.new", stop=("结转", "办结", "答复", "公开", "处理", "提供", "办理"),
                        parts=_APPLICANTS),
    # “共收到12件，其中新收10件、上年结转2件”, or split by applicant like apply.new
    "apply.received": Family("apply.received", stop=("办结", "答复", "公开", "处理", "提供", "办理", "转下", "下一年", "下年"),
                             parts=(("apply.new", ("新收", "新增", "本年")), ("apply.carried", ("结转",)), *_APPLICANTS),
                             allowed=("apply.carried", "apply.new", "apply.received")),
    **{metric: Family(metric, stop=("结转", "转下", "尚未"), parts=_OUTCOMES, allowed=tuple(m for m, _ in _OUTCOMES))
       for metric in ("apply.handled", "apply.answered", "apply.processed")},
}


def _groups(scan: _Scan, quantities: list[_Quantity]) -> list[PartsGroup]:
    groups: list[PartsGroup] = []
    s = scan.text.s
    starts = [q.start for q in quantities]
    for i, whole in enumerate(quantities):
        family = FAMILIES.get(whole.metric or "")
        if family is None or whole.claim is None:
            continue
        # “…1248条，其中，…”: the rest of the whole's clause, then 其中
        head = _compact(s[whole.after_end:whole.after_end + 16])
        among = _AMONG.match(whole.after) is not None and head[:1] in "，,：:"  # “在主动公开的80条中，政策文件12条、…”
        parenthesised = not among and not _PART_OF_RE.match(head)
        bracketed = head[:1] in "（("  # “答复申请3件（其中已主动公开的1件、同意公开的2件）”
        if parenthesised and not _PAREN_PARTS_RE.match(head):
            continue
        m = _set_re((*_SENTENCE_END, "）", ")")).search(s, whole.after_end + 1)  # no copy of the rest of s
        end = m.start() if m else len(s)
        parts = _parts(s, family, whole, quantities[i + 1:bisect_left(starts, end, i + 1)])
        named = all(metric not in (None, "void") for _, metric in parts)
        if not named or len(parts) < 2:
            if bracketed and len(parts) >= 2:
                # the parts belong to the stated total (“已主动公开的1件” is a kind of 予以公开): compare the total
                for q, _ in parts:
                    q.metric = q.claim = None
                continue
            # no sound sum, but “其中自然人32件” still states a cell of the table
            for q, metric in parts:
                if q.claim is None and metric not in (None, "void", family.default):
                    q.metric, q.claim = metric, _claim(scan, q, metric, q.value, q.unit)
            continue
        gid = f"g{len(groups) + 1}"
        whole.claim.whole = True
        for q, metric in parts:
            q.metric = metric
            q.claim = _claim(scan, q, metric, q.value, q.unit)
            q.claim.part_of = gid
        # “其中门户网站100条、微信公众号80条”: one item on several channels, expected to sum above the whole;
        # a breakdown in parentheses presents itself as the whole's composition, so an excess is a likely slip
        channels = family.overlap and all(any(w in q.before for w in CHANNEL_WORDS) for q, _ in parts)
        # “在主动公开的80条中，政策文件12条、…、其他60条”: categories partition the whole (each item has one)
        categories = family.overlap and not channels and _categories(scan.fmt, [q for q, m in parts if m == family.default]) \
            and all(m == family.default for _, m in parts)
        overlap = ("channels" if channels and not parenthesised else "none" if categories
                   else "possible" if family.overlap else "none")
        groups.append(PartsGroup(id=gid, whole=whole.claim, parts=[q.claim for q, _ in parts], overlap=overlap))
    return groups


def _categories(fmt: ReportFormat, parts: list[_Quantity]) -> bool:
    """Every part names a category of the format (or is the rest, 其他), and at least two name one."""
    named = [any(c in q.before for c in fmt.categories) for q in parts]
    rest = [q.before.lstrip("、，,").startswith(("其他", "其它")) for q in parts]
    return sum(named) >= 2 and all(n or r for n, r in zip(named, rest))


def _parts(s: str, family: Family, whole: _Quantity,
           candidates: list[_Quantity]) -> list[tuple[_Quantity, str | None]]:
    """The parts after “其中”, up to the first clause about a different measure.

    An item of a “、” list continues the list whatever it names (“机构职能信息5条、政策文件及解读3条”);
    a clause after “，” that names another measure (“，发布政策解读信息1条”) ends it.
    """
    parts: list[tuple[_Quantity, str | None]] = []
    for q in candidates:
        listed = bool(parts) and _last_visible(s, q.clause[0]) == "、"
        if q.unit != whole.unit or (not listed and any(w in q.before + q.near for w in family.stop)):
            break
        if q.metric and q.metric not in family.allowed:
            break
        if _VETO_BEFORE.search(q.before) or _VETO_AFTER.search(q.after):
            break  # “，新收申请较上年增加23件”: a change, not a part
        parts.append((q, _part_metric(family, q)))
    return parts


def _last_visible(s: str, end: int) -> str:
    """``s[:end].rstrip()[-1:]`` without copying ``s[:end]``."""
    k = end
    while k > 0 and s[k - 1].isspace():
        k -= 1
    return s[k - 1] if k > 0 else ""


def _part_metric(family: Family, q: _Quantity) -> str | None:
    """The part's metric; "void" for a part outside the vocabulary, None when nothing names it."""
    for metric, words in family.parts:
        if (words and any(w in q.before for w in words)) or (not words and q.metric == metric):
            if family.whole == "apply.received" and metric.startswith("apply.new."):
                return metric.replace("apply.new.", "apply.received.")  # as ambiguous as the whole
            return metric
    return family.default
