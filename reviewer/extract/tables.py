"""Map a draft's tables onto the format's rows and columns, by label.

Per table: find the rows' labels in order in the stream (tolerant of spaces,
line breaks, widths and numbering), read the values that follow each label
(the rest of its table row, or the digits after it in flowing text), place
value rows that lost their labels into the gaps between labelled rows when the
counts agree, and split run-together digits where the relations admit exactly
one split. Anything less certain makes the table “not reliably readable”.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from functools import lru_cache

from reviewer.extract.facts import CellValue, LogicalTable
from reviewer.extract.splitting import MAX_NUMBER_DIGITS, split_runs
from reviewer.extract.stream import CELL, MARKERS, ROW, Stream
from reviewer.extract.textnorm import loose_pattern
from reviewer.findings import Location
from reviewer.formats.model import RelationInstance, ReportFormat, RowSpec, TableSpec

_NUMBERING = {
    "、": lambda n: rf"{n}\s*[、.]\s*",
    "）": lambda n: rf"（\s*{n}\s*）\s*",
    ".": lambda n: rf"{n}\s*[.、]\s*",
}
_DASHES = {"-", "--", "—", "——", "/", "\\", "－", "无"}
_NUMBER = re.compile(r"^[+-]?\d{1,3}(?:[,，]\d{3})+(?:\.\d+)?$|^[+-]?\d+(?:\.\d+)?$")
_TEXT_VALUES = re.compile(r"^[\s\d.,，|\-—/]*$")
_VALUE_PREFIX = re.compile(r"[\s\d.,，|\-—/]*")
_TOKEN = re.compile(r"\d+(?:\.\d+)?|[-—/]+")
_NEXT_WORDS_NUMBER = re.compile(r"\s(\d{1,4})\.?$")
_DAMAGED_LABEL = re.compile(r"[\u4e00-\u9fff]{2}")  # a label cell: words, not a value


@dataclass
class Raw:
    """One cell as read: its text, where it is, whether it was split out of a run."""

    text: str
    start: int  # stream offsets
    end: int
    inferred: bool = False


@dataclass
class RowRead:
    key: str
    label_start: int
    cells: list[Raw] | None = None  # exactly ncols, when read directly
    runs: list[Raw] = field(default_factory=list)  # digit runs needing a split
    anchored: bool = True
    damaged: Raw | None = None  # a printed label the format does not know, placed by position


def _numbering_regex(number: str) -> str:
    if not number:
        return ""
    digit = number.strip("（）、.")
    for end, make in _NUMBERING.items():
        if number.endswith(end):
            return make(re.escape(digit))
    return re.escape(number)


@lru_cache(maxsize=1024)
def row_pattern(row: RowSpec) -> re.Pattern[str]:
    labels = sorted({row.label, *row.aliases}, key=len, reverse=True)
    body = "|".join(loose_pattern(x) for x in labels)
    num = _numbering_regex(row.number)
    short = len(row.label) <= 2 and row.number
    prefix = f"(?:{num})" if short else (f"(?:{num})?" if num else "")
    return re.compile(f"{prefix}(?:{body})")


_STOPS: dict[tuple[int, str], re.Pattern[str]] = {}


def _stop_pattern(fmt, spec: TableSpec) -> re.Pattern[str]:
    """Any label of any table ends a value region. Cached by identity: formats are constants."""
    key = (id(fmt), spec.id)
    if key not in _STOPS:
        _STOPS[key] = _build_stop_pattern(tuple(fmt.tables), spec)
    return _STOPS[key]


def _build_stop_pattern(tables: tuple[TableSpec, ...], spec: TableSpec) -> re.Pattern[str]:
    stops = [row_pattern(r).pattern for t in tables for r in t.rows]
    stops += [loose_pattern(a) for t in tables for a in t.anchor]
    stops += [loose_pattern(c.label) for c in spec.columns if len(c.label) > 2]
    return re.compile("|".join(f"(?:{p})" for p in stops))


def _region_end(stream: Stream, start: int, stop: re.Pattern[str], limit: int) -> int:
    m = stop.search(stream.text, start, limit)
    end = m.start() if m else limit
    row_end = stream.text.find(ROW, start, end)
    return row_end if row_end >= 0 else end


def _cells_after_label(stream: Stream, start: int, end: int) -> list[Raw] | None:
    """Values in [start, end): table cells after the label cell, or digits in flowing text."""
    region = stream.text[start:end]
    if CELL in region:
        first_cell = region.index(CELL)
        head = region[:first_cell]
        cells: list[Raw] = []
        if head.strip() and _TEXT_VALUES.match(head):  # a value sharing the label's cell
            cells.extend(_text_tokens(head, start))
        elif head.strip():
            return None
        pos = start + first_cell
        for piece in region[first_cell:].split(CELL)[1:]:
            s = pos + 1
            lead = len(piece) - len(piece.lstrip())
            text = piece.strip()
            cells.append(Raw(text, s + lead, s + lead + len(text)))
            pos = s + len(piece)
        return cells
    # flowing text: the values run until text resumes
    prefix = _VALUE_PREFIX.match(region).group()
    prefix = _without_next_words_number(prefix, region[len(prefix):len(prefix) + 1])
    if not re.search(r"\d", prefix) and not _dash_row(prefix):
        return None
    return _text_tokens(prefix, start)


_FIRST_VALUE = re.compile(r"\d|(?m:^[ \t]*[-—－][ \t]*$)")


def _dash_row(values: str) -> bool:
    """A row of “-” for zero, one per line (“规章\n-\n-\n-”): values, though no digit (the row's width
    decides whether they are its cells). On lines of their own only: a dash in prose is punctuation."""
    lines = values.strip().split("\n")
    return "\n" in values and all(line.strip() in ("-", "—", "－") for line in lines)


def _without_next_words_number(values: str, follows: str) -> str:
    """A run of values in flowing text, less a last number that belongs to the text after it: the next
    heading's numeral (“… 0 3、收到和处理…”, a crawled page with “1、” headings) or a year or month
    that opens the next sentence (“… 0 0 2021年，街道…”). Only a number set apart by a space: a run
    glued to a label (“…70四、结转”) is all values."""
    if follows in ("、", "年", "月") or (values.endswith(".") and "\u4e00" <= follows <= "\u9fff"):
        m = _NEXT_WORDS_NUMBER.search(values)
        if m and (follows != "年" or len(m.group(1)) == 4):
            return values[:m.start() + 1]
    return values


def _text_tokens(region: str, base: int) -> list[Raw]:
    return [Raw(m.group(), base + m.start(), base + m.end()) for m in _TOKEN.finditer(region)]


def _trim(cells: list[Raw], ncols: int) -> list[Raw]:
    """Drop blank cells beyond the row's width: trailing padding, then empty label columns."""
    while len(cells) > ncols and not cells[-1].text:
        cells = cells[:-1]
    while len(cells) > ncols and not cells[0].text:
        cells = cells[1:]
    return cells


class TableReader:
    def __init__(self, spec: TableSpec, fmt: ReportFormat, stream: Stream):
        self.spec = spec
        self.stream = stream
        self.ncols = len(spec.columns)
        self.rows = spec.data_rows()
        self.patterns = {r.key: row_pattern(r) for r in spec.rows}
        self.stop = _stop_pattern(fmt, spec)
        self.decimals = any(c.decimals for c in spec.columns)

    # -- locating rows -------------------------------------------------
    def read(self, start: int, limit: int) -> LogicalTable:
        reads: dict[str, RowRead] = {}
        pos = start
        for row in self.rows:
            found = self._find_row(row, pos, limit)
            if found is not None:
                reads[row.key] = found
                pos = found.label_start + 1
        self._place_orphans(reads, start, limit)
        merged = self._groups_as_one_row(reads, start, limit)
        table = self._resolve(reads)
        table.merged_rows = merged
        table.missing_rows = [k for k in table.missing_rows if k not in merged]
        return table

    def _groups_as_one_row(self, reads: dict[str, RowRead], start: int, limit: int) -> dict[str, str]:
        """A group the format allows as one row (``RowSpec.one_row``), printed so: none of its items found,
        its own label followed by a row's worth of values. Read under the group's key; item → group."""
        merged: dict[str, str] = {}
        for group in self.spec.rows:
            if not group.one_row:
                continue
            items = [r.key for r in self.spec.rows if r.parent == group.key]
            if not items or any(k in reads for k in items):
                continue
            found = self._find_row(group, start, limit)
            if found is not None and found.cells is not None:
                reads[group.key] = RowRead(group.key, found.label_start, cells=found.cells)
                merged.update({k: group.key for k in items})
        return merged

    def _find_row(self, row: RowSpec, pos: int, limit: int) -> RowRead | None:
        pat = self.patterns[row.key]
        while True:
            m = pat.search(self.stream.text, pos, limit)
            if not m:
                return None
            end = _region_end(self.stream, m.end(), self.stop, limit)
            cells = _cells_after_label(self.stream, m.end(), end)
            if cells:
                cells = _trim(cells, self.ncols)
                if len(cells) == self.ncols:
                    return RowRead(row.key, m.start(), cells=cells)
                # too few digits to fill the row: stray text (a page number), not this row's values
                if all(_is_run(c.text, self.decimals) for c in cells) and len(cells) < self.ncols \
                        and sum(len(c.text) for c in cells) >= self.ncols:
                    return RowRead(row.key, m.start(), runs=cells)
            pos = m.end()

    def _value_rows(self, start: int, limit: int) -> list[tuple[int, list[Raw], Raw | None]]:
        """Table rows that hold exactly a row's worth of values and no label the format knows: none at all,
        or a damaged one (“2.其他法律行政止公开”, a character dropped in the template), returned with it."""
        out = []
        text = self.stream.text
        i = text.find(ROW, start, limit)
        while i >= 0:
            j = text.find(ROW, i + 1, limit)
            end = j if j >= 0 else limit
            body = text[i + 1:end]
            if body.startswith(CELL):
                cells = _cells_after_label(self.stream, i + 1, end)
                label = None
                if cells:
                    cells = _trim(cells, self.ncols)
                    texts = [c for c in cells if c.text]
                    if len(cells) > self.ncols and len(texts) > self.ncols and _DAMAGED_LABEL.search(texts[0].text) \
                            and not self.stop.search(texts[0].text):
                        label = texts[0]
                        cells = _trim(cells[cells.index(label) + 1:], self.ncols)
                    if len(cells) == self.ncols and any(_NUMBER.match(c.text) for c in cells) and \
                            all(_NUMBER.match(c.text) or c.text in _DASHES or not c.text for c in cells):
                        out.append((i, cells, label))
            i = j
        return out

    def _place_orphans(self, reads: dict[str, RowRead], start: int, limit: int) -> None:
        """Rows whose labels were printed apart from their values (PDF extraction)."""
        missing = [r.key for r in self.rows if r.key not in reads]
        if not missing or not reads:
            return
        used = {c.start for rr in reads.values() for c in (rr.cells or rr.runs)}
        first = min(rr.label_start for rr in reads.values())
        orphans = [(p, cells, label) for p, cells, label in self._value_rows(first, limit)
                   if not any(c.start in used for c in cells)]
        keys = [r.key for r in self.rows]
        anchored = sorted((keys.index(k), rr.label_start) for k, rr in reads.items())
        for (i0, p0), (i1, p1) in zip(anchored, anchored[1:] + [(len(keys), limit)]):
            gap = [k for k in keys[i0 + 1:i1] if k not in reads]
            if not gap:
                continue
            between = [o for o in orphans if p0 < o[0] < p1]
            if len(between) == len(gap):
                for key, (p, cells, label) in zip(gap, between):
                    reads[key] = RowRead(key, p, cells=cells, anchored=False, damaged=label)

    # -- values ---------------------------------------------------------
    def _row_relations(self) -> dict[str, list[RelationInstance]]:
        """Relations whose every operand lies in one row, keyed by that row."""
        out: dict[str, list[RelationInstance]] = {}
        for inst in self.spec.relation_instances():
            rows = {ref.split("/")[0] for ref in inst.refs}
            if len(rows) == 1:
                out.setdefault(rows.pop(), []).append(inst)
        return out

    def _resolve(self, reads: dict[str, RowRead]) -> LogicalTable:
        table = LogicalTable(table_id=self.spec.id, section=self.spec.section, title=self.spec.title)
        if not reads:
            table.found = False
            table.readable = False
            return table
        table.missing_rows = [r.key for r in self.rows if r.key not in reads]
        for key, rr in reads.items():
            if rr.damaged is not None:
                span = self.stream.span(rr.damaged.start, rr.damaged.end)
                table.damaged_labels[key] = Location(
                    section=self.spec.section, block_id=self.stream.block_id(rr.damaged.start), span=span,
                    text=rr.damaged.text, table=self.spec.id, row=key, label=self.spec.row(key).full_label)
        col_keys = [c.key for c in self.spec.columns]
        row_rel = self._row_relations()
        choices: dict[str, list[list[Raw]]] = {}
        overlong: list[str] = []
        for key, rr in reads.items():
            if rr.cells is not None:
                choices[key] = [rr.cells]
                continue
            rels = row_rel.get(key, [])
            if _forced(rr.runs, self.ncols):
                # as many digits as cells: one digit per cell is the only reading, whatever the relations say
                choices[key] = [[_sub_raw(run, i, 1) for run in rr.runs for i in range(len(run.text))]]
                table.forced_rows.append(key)
                continue
            cands = split_runs([r.text for r in rr.runs], self.ncols,
                               lambda vals, rels=rels, key=key: _row_ok(vals, rels, col_keys, key))
            if cands is None:  # too many digits to try every cutting: unreadable, not guessed
                overlong.append(key)
                cands = []
            choices[key] = [[_sub_raw(rr.runs[ri], off, n) for _v, ri, off, n in cand] for cand in cands]
        chosen, count = self._combine(choices, col_keys)
        if chosen is None and count == 0 and table.forced_rows:
            chosen, count = self._combine_around_forced(choices, col_keys, table.forced_rows, row_rel)
        if chosen is None:
            table.readable = False
            table.problem = self._ambiguity(choices, overlong, row_rel, count)
            table.problem_location = self._problem_location(choices, reads)
            chosen = {k: v[0] for k, v in choices.items() if len(v) == 1}
        for key, cells in chosen.items():
            for col, raw in zip(col_keys, cells):
                table.cells[f"{key}/{col}"] = self._cell_value(key, col, raw)
        table.inferred = any(c.inferred for c in table.cells.values())
        spans = [c.span for c in table.cells.values() if c.span]
        if spans:
            table.span = (min(s[0] for s in spans), max(s[1] for s in spans))
        table.block_ids = sorted({c.block_id for c in table.cells.values() if c.block_id},
                                 key=lambda b: int(b[1:]))
        return table

    def _combine(self, choices: dict[str, list[list[Raw]]], col_keys: list[str],
                 without: set[str] = frozenset()) -> tuple[dict[str, list[Raw]] | None, int | None]:
        """``without``: cell refs whose relations are left out."""
        """The one combination of row readings under which every relation holds, and how many there are
        (None: not counted — too many, or a row has no reading at all)."""
        fixed = {k: v[0] for k, v in choices.items() if len(v) == 1}
        open_rows = [k for k, v in choices.items() if len(v) != 1]
        if not open_rows:
            return fixed, 1
        if any(not choices[k] for k in open_rows):
            return None, None
        sizes = 1
        for k in open_rows:
            sizes *= len(choices[k])
        if sizes > 200_000:
            return None, None
        insts = self._open_instances(open_rows)
        if without:
            insts = [i for i in insts if not any(ref in without for ref in i.refs)]
        solutions = []
        for combo in itertools.product(*(choices[k] for k in open_rows)):
            trial = {**fixed, **dict(zip(open_rows, combo))}
            if all(_holds(i, trial, col_keys) is not False for i in insts):
                solutions.append(trial)
                if len(solutions) > 1:
                    return None, 2
        return (solutions[0], 1) if solutions else (None, 0)

    def _combine_around_forced(self, choices: dict[str, list[list[Raw]]], col_keys: list[str], forced: list[str],
                               row_rel: dict[str, list[RelationInstance]]) -> tuple[dict[str, list[Raw]] | None, int]:
        """A forced row is certain even when it breaks a relation (that is the finding), but one of its cells is
        then wrong. For each cell it may be, split the other rows by the relations that leave that cell out; the
        split is used only when every such hypothesis that admits one gives the same (nothing is guessed)."""
        broken = [k for k in forced
                  if not _row_ok([parse_cell(c.text, True)["value"] for c in choices[k][0]], row_rel.get(k, []),
                                 col_keys, k)]
        if len(broken) != 1:
            return None, 0
        row = broken[0]
        found: dict[tuple, dict[str, list[Raw]]] = {}
        for col in col_keys:
            chosen, count = self._combine(choices, col_keys, without={f"{row}/{col}"})
            if count == 2 or count is None:
                return None, 2  # several splits under this hypothesis: not certain
            if chosen is not None:
                found[tuple((k, tuple(c.text for c in v)) for k, v in sorted(chosen.items()))] = chosen
        if len(found) == 1:
            return next(iter(found.values())), 1
        return None, (2 if found else 0)

    def _open_instances(self, open_rows: list[str]) -> list[RelationInstance]:
        return [i for i in self.spec.relation_instances() if any(ref.split("/")[0] in open_rows for ref in i.refs)]

    def _never_hold(self, choices: dict[str, list[list[Raw]]], col_keys: list[str]) -> list[str]:
        """Relations that fail under every reading of the rows they involve (each tried on its own rows)."""
        open_rows = [k for k, v in choices.items() if len(v) > 1]
        fixed = {k: v[0] for k, v in choices.items() if len(v) == 1}
        out = []
        for inst in self._open_instances(open_rows):
            rows = sorted({ref.split("/")[0] for ref in inst.refs} & set(open_rows))
            if any(r not in choices for r in {ref.split("/")[0] for ref in inst.refs}):
                continue
            size = 1
            for r in rows:
                size *= len(choices[r])
            if size > 20_000:
                continue
            if not any(_holds(inst, {**fixed, **dict(zip(rows, combo))}, col_keys) is not False
                       for combo in itertools.product(*(choices[r] for r in rows))):
                out.append(inst.description)
        return out

    def _problem_location(self, choices: dict[str, list[list[Raw]]], reads: dict[str, RowRead]) -> Location | None:
        bad = [k for k, v in choices.items() if len(v) != 1 and reads[k].runs]
        if not bad:
            return None
        key = min(bad, key=lambda k: reads[k].label_start)
        runs = reads[key].runs
        span = self.stream.span(runs[0].start, runs[-1].end)
        text = self.stream.doc.text[span[0]:span[1]] if span else None
        return Location(section=self.spec.section, block_id=self.stream.block_id(runs[0].start), span=span,
                        text=text, table=self.spec.id, row=key, label=self.spec.row(key).full_label)

    def _ambiguity(self, choices: dict[str, list[list[Raw]]], overlong: list[str] = (),
                   row_rel: dict[str, list[RelationInstance]] | None = None, count: int | None = None) -> str:
        names = {r.key: r.full_label for r in self.rows}
        if overlong:
            return (f"“{'、'.join(names[k] for k in overlong[:3])}”等行的数字连成过长的一串，拆分方式过多，"
                    "无法可靠读取")
        none = [k for k, v in choices.items() if not v]
        many = [names[k] for k, v in choices.items() if len(v) > 1]
        if none:
            failing = [i.description for k in none for i in (row_rel or {}).get(k, [])]
            why = f"：无论怎样拆分，{'；'.join(failing[:2])}都不成立" if failing else "，且没有任何拆分方式能满足表内勾稽关系"
            return f"“{'、'.join(names[k] for k in none[:3])}”等行的数字粘连在一起{why}，无法可靠读取"
        if count == 0:
            col_keys = [c.key for c in self.spec.columns]
            failing = self._never_hold(choices, col_keys)
            why = f"无论怎样拆分，{'；'.join(failing[:2])}都不成立" if failing else "没有任何一种拆分能使表内勾稽关系同时成立"
            return f"“{'、'.join(many[:3])}”等行的数字粘连在一起，{why}，无法可靠读取"
        return f"“{'、'.join(many[:3])}”等行的数字粘连在一起，存在多种拆分方式，无法可靠读取"

    def _cell_value(self, row: str, col: str, raw: Raw) -> CellValue:
        stream = self.stream
        span = stream.span(raw.start, raw.end) if raw.end > raw.start else None
        # raw: the draft's own characters (“—”, “５”); parsing reads the folded form
        original = stream.doc.text[span[0]:span[1]] if span else raw.text
        return CellValue(table=self.spec.id, row=row, column=col, raw=original, inferred=raw.inferred,
                         section=self.spec.section, block_id=stream.block_id(raw.start), span=span,
                         label=f"{self.spec.row(row).full_label} / {self.spec.column(col).label}",
                         **parse_cell(raw.text, self.spec.column(col).decimals, self.spec.column(col).signed))


_UNIT_SUFFIX = re.compile(r"(?<=\d)\s*(?:万元|元|件|条|个|项|次|篇)$")


def parse_cell(text: str, decimals: bool, signed: bool = False) -> dict:
    t = _UNIT_SUFFIX.sub("", text.strip().replace("，", ","))  # “12.5万元” in a 万元 column is 12.5
    if not t:
        return {"value": None, "status": "blank"}
    if t in _DASHES:
        return {"value": None, "status": "dash"}
    if _NUMBER.match(t):
        if len(t.split(".")[0].lstrip("+-").replace(",", "")) > MAX_NUMBER_DIGITS:
            return {"value": None, "status": "non_numeric"}  # not a count; float() would give inf
        v = float(t.replace(",", ""))
        if v < 0 and not signed:
            return {"value": v, "status": "negative"}
        if v != int(v) and not decimals:
            return {"value": None, "status": "non_numeric"}
        return {"value": v, "status": "ok"}
    return {"value": None, "status": "non_numeric"}


_DECIMAL_RUN = re.compile(r"\d+\.\d+")


def _is_run(text: str, decimals: bool = False) -> bool:
    """Digits whose cell boundaries may be lost; with a money column, one amount may be among them."""
    return text.isdigit() or (decimals and bool(_DECIMAL_RUN.fullmatch(text)))


def _forced(runs: list[Raw], ncols: int) -> bool:
    """Exactly as many digits as cells (no amount among them): every cell holds one digit, the only reading."""
    return sum(len(r.text) for r in runs) == ncols and all(r.text.isdigit() for r in runs)


def _sub_raw(run: Raw, offset: int, length: int) -> Raw:
    s = run.start + offset
    digits = run.text[offset:offset + length]
    return Raw(digits, s, s + length, inferred=len(run.text) != length)


def _row_ok(values: list[int], rels: list[RelationInstance], col_keys: list[str], row: str) -> bool:
    cells = dict(zip(col_keys, values))
    for inst in rels:
        lhs = sum(cells[r.split("/")[1]] for r in inst.lhs)
        rhs = sum(cells[r.split("/")[1]] for r in inst.rhs)
        if lhs != rhs:
            return False
    return True


def _holds(inst: RelationInstance, rows: dict[str, list[Raw]], col_keys: list[str]) -> bool | None:
    def val(ref: str) -> float | None:
        row, col = ref.split("/")
        cells = rows.get(row)
        if cells is None:
            return None
        return parse_cell(cells[col_keys.index(col)].text, True)["value"]

    vals_l = [val(r) for r in inst.lhs]
    vals_r = [val(r) for r in inst.rhs]
    if None in vals_l or None in vals_r:
        return None
    return abs(sum(vals_l) - sum(vals_r)) < 1e-9


def present_unreadable(spec: TableSpec, stream: Stream, start: int, limit: int,
                       markers: tuple[str, ...]) -> LogicalTable | None:
    """A table whose title or headers are there but none of whose rows could be read (values
    missing, worded, or lost in conversion): present, so a readability problem — never “missing”.
    ``markers``: texts that must all occur within the table's first few hundred characters."""
    window = stream.text[start:min(limit, start + 400)]
    found = [re.search(loose_pattern(m), window) for m in markers]
    if not markers or not all(found):
        return None
    end = start + max(m.end() for m in found)
    span = stream.span(start, end)
    table = LogicalTable(table_id=spec.id, section=spec.section, title=spec.title, readable=False,
                         problem="表头或行标签存在，但未能读出其中的数字")
    if span:
        table.problem_location = Location(section=spec.section, block_id=stream.block_id(start), span=span,
                                          text=stream.doc.text[span[0]:span[1]], table=spec.id)
    return table


def read_column_groups(spec: TableSpec, fmt: ReportFormat, stream: Stream, start: int, limit: int) -> LogicalTable:
    """A table laid out as column groups with no row label (section 四's: 行政复议 / 未经复议直接起诉 /
    复议后起诉, each 结果维持 … 总计): its values follow the last group's closing header.

    Every occurrence of the table's first marker (its top-left header) from ``start`` on is tried as the
    corner, since prose (“…政府信息公开行政复议和行政诉讼情况…”) mentions it before the table does.
    """
    text = stream.text
    corner = spec.markers[0]
    closing = spec.columns[-1].label.split("·")[-1]  # the header that ends each group (“总计”)
    groups = len(dict.fromkeys(c.label.split("·")[0] for c in spec.columns))
    total = re.compile(loose_pattern(closing))
    reader = TableReader(spec, fmt, stream)
    row = spec.rows[0].key
    for anchor in re.compile(loose_pattern(corner)).finditer(text, start, limit):
        pos = anchor.end()
        for _ in range(groups):
            m = total.search(text, pos, min(limit, pos + 600))
            if not m:
                break
            pos = m.end()
        else:
            found = _litigation_cells(stream, pos, limit, len(spec.columns))
            if found is not None:
                cells, runs = found
                read = RowRead(row, pos, cells=cells) if cells else RowRead(row, pos, runs=runs)
                return reader._resolve({row: read})
    first = re.compile(loose_pattern(corner)).search(text, start, limit)
    if first:
        present = present_unreadable(spec, stream, first.start(), limit, spec.markers)
        if present is not None:
            return present
    table = LogicalTable(table_id=spec.id, section=spec.section, title=spec.title)
    table.found = table.readable = False
    return table


def _litigation_cells(stream: Stream, pos: int, limit: int, ncols: int):
    """The first run of values after the header: blank rows skipped, until text resumes."""
    text = stream.text
    digit = _FIRST_VALUE.search(text, pos, min(limit, pos + 800))  # a digit, or a “-” on a line of its own
    if not digit:
        return None
    start = digit.start()
    if stream.structured(start):
        start = text.rfind(ROW, pos, start) if text.rfind(ROW, pos, start) >= 0 else pos
    m = re.compile(r"[^\s\d" + MARKERS + r".\-—/|]").search(text, digit.start(), limit)
    end = m.start() if m else limit
    region = text[start:end]
    if CELL not in region:
        region = _without_next_words_number(region, text[end:end + 1])
    if CELL in region:
        rows = []
        i = start
        for chunk in region.split(ROW):
            cells = _cells_after_label(stream, i, i + len(chunk)) if chunk.startswith(CELL) else None
            if cells and any(c.text for c in cells):
                rows.append(_trim(cells, ncols))
            i += len(chunk) + 1
        flat = [c for r in rows for c in r]
        return (flat, []) if len(flat) == ncols else None
    tokens = _text_tokens(region, start)
    if len(tokens) == ncols:
        return tokens, []
    if tokens and len(tokens) < ncols and all(_is_run(t.text) for t in tokens):
        return [], tokens
    return None
