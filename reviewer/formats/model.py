"""The vocabulary formats are declared in: sections, tables, rows, columns, relations.

A format is data. Checks and extraction read these declarations; nothing in
them knows a particular row of a particular table.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property


@dataclass(frozen=True)
class SectionSpec:
    key: str  # 一 … 六
    title: str  # the standard heading, word for word
    aliases: tuple[str, ...] = ()  # other wordings real reports use (without the numeral)
    required: bool = True
    # Meaning of a numbered heading: every group must have one of its words in the heading,
    # and none of ``excludes`` may occur (the words that belong to another section).
    keywords: tuple[tuple[str, ...], ...] = ()
    excludes: tuple[str, ...] = ()


@dataclass(frozen=True)
class ColumnSpec:
    key: str
    label: str
    aliases: tuple[str, ...] = ()
    decimals: bool = False  # money columns may hold decimals
    signed: bool = False  # a change (2019 trial format's 本年增/减) may be negative


@dataclass(frozen=True)
class RowSpec:
    key: str
    label: str  # label as printed in the template (without numbering)
    number: str = ""  # numbering as printed before the label: "一、", "（一）", "1."
    aliases: tuple[str, ...] = ()
    parent: str | None = None  # for sub-items, the key of the group row they belong to
    group_only: bool = False  # a heading row with no cells of its own (e.g. “（三）不予公开”)
    # a group some drafts print as one row without its items (“（六）其他处理” in WPS templates): its values
    # are then the items' sum, and relations over all its items use them
    one_row: bool = False

    @property
    def full_label(self) -> str:
        return self.number + self.label


@dataclass(frozen=True)
class Relation:
    """``lhs == sum(rhs)`` over cell refs “row/column”, evaluated for each instance.

    ``per`` says how a template relation is instantiated: "row" (for every data
    row of the table, with ``{row}`` substituted), "column" (for every column),
    or "" (once, as written).
    """

    id: str
    lhs: tuple[str, ...]
    rhs: tuple[str, ...]
    per: str = ""
    description: str = ""  # Chinese, with {row}/{column} placeholders for the label
    lhs_name: str = ""  # short Chinese names of the two sides, for messages
    rhs_name: str = ""


@dataclass(frozen=True)
class RelationInstance:
    """One concrete equation: ``sum(lhs) == sum(rhs)`` over “row/column” cell refs."""

    relation: Relation
    key: str  # the row or column it was instantiated for ("" when once)
    lhs: tuple[str, ...]
    rhs: tuple[str, ...]
    description: str

    @property
    def id(self) -> str:
        return self.relation.id

    @property
    def refs(self) -> tuple[str, ...]:
        return self.lhs + self.rhs


@dataclass(frozen=True)
class TableSpec:
    id: str
    section: str
    title: str
    rows: tuple[RowSpec, ...]
    columns: tuple[ColumnSpec, ...]
    relations: tuple[Relation, ...] = ()
    anchor: tuple[str, ...] = ()  # text that marks where the table starts (e.g. “第二十条第（一）项”)
    # how its cells are laid out: "rows" (a label per row, cells after it) or "column_groups" (one row of
    # cells under two header rows, e.g. table 四: 行政复议 / 诉讼 groups of 结果维持 … 总计)
    layout: str = "rows"
    follows: str | None = None  # a table without a title row of its own is searched after this one
    markers: tuple[str, ...] = ()  # header words that show the table is there even when no cell can be read

    # Cached per instance (cached_property writes past the frozen __setattr__): hashing a
    # whole TableSpec for an lru_cache key costs more than the lookups it saves.
    @cached_property
    def _instances(self) -> tuple[RelationInstance, ...]:
        return _instances(self)

    @cached_property
    def _rows_by_key(self) -> dict[str, RowSpec]:
        return {r.key: r for r in self.rows}

    @cached_property
    def _columns_by_key(self) -> dict[str, ColumnSpec]:
        return {c.key: c for c in self.columns}

    @cached_property
    def _data_rows(self) -> tuple[RowSpec, ...]:
        return tuple(r for r in self.rows if not r.group_only)

    def relation_instances(self) -> list[RelationInstance]:
        return list(self._instances)

    def data_rows(self) -> list[RowSpec]:
        return list(self._data_rows)


    def row(self, key: str) -> RowSpec:
        return self._rows_by_key[key]

    def column(self, key: str) -> ColumnSpec:
        return self._columns_by_key[key]


def merge_instances(instances: list[RelationInstance], merged: dict[str, str]) -> list[RelationInstance]:
    """The instances over a table where some groups were printed as one row (``merged``: item row → group
    row): the items' refs become the group's (once per side), and instances that became alike are one."""
    if not merged:
        return instances
    out: dict[tuple, RelationInstance] = {}
    for inst in instances:
        sides = []
        for side in (inst.lhs, inst.rhs):
            refs = []
            for ref in side:
                row, col = ref.split("/")
                ref = f"{merged[row]}/{col}" if row in merged else ref
                if ref not in refs:
                    refs.append(ref)
            sides.append(tuple(refs))
        if set(sides[0]) & set(sides[1]):
            continue  # an item's row total became the group's: kept once, below
        new = RelationInstance(inst.relation, inst.key, sides[0], sides[1], inst.description)
        out.setdefault((inst.id, new.lhs, new.rhs), new)
    return list(out.values())


def _instances(self: "TableSpec") -> tuple[RelationInstance, ...]:
    out: list[RelationInstance] = []
    for rel in self.relations:
        if rel.per == "row":
            targets = [(r.key, r.label) for r in self.data_rows()]
        elif rel.per == "column":
            targets = [(c.key, c.label) for c in self.columns]
        else:
            targets = [("", "")]
        for key, label in targets:
            sub = (lambda ref, key=key: ref.replace("{row}", key).replace("{column}", key))
            out.append(RelationInstance(
                rel, key, tuple(map(sub, rel.lhs)), tuple(map(sub, rel.rhs)),
                rel.description.replace("{row}", label).replace("{column}", label)))
    return tuple(out)


@dataclass(frozen=True)
class Reading:
    """One table quantity a wording can mean: the ``plus`` metrics' cells summed, less the ``minus`` ones.

    “共受理12件” may be 新收 alone or 新收＋上年结转: each is a reading, and the prose contradicts
    the table only when every reading fails.
    """

    label: str  # Chinese, names the quantity in a finding: “本年新收与上年结转之和”
    plus: tuple[str, ...]  # metric ids whose cells are added
    minus: tuple[str, ...] = ()
    at_most: bool = False  # the prose may count fewer (新发生的复议 ≤ 表中总计, which includes carried cases)


@dataclass(frozen=True)
class Metric:
    """Something prose can state a number for, and the cells that hold it (summed).

    A metric of a wording (“受理”) declares ``readings`` instead of cells: the table
    quantities that wording can mean.
    """

    id: str
    description: str
    cells: tuple[str, ...] = ()  # “table/row/column” refs; empty: no table holds it
    unit: str = "件"
    readings: tuple[Reading, ...] = ()
    llm: bool = True  # offered to the LLM (a per-applicant split of an ambiguous verb is not: tokens for nothing)


@dataclass(frozen=True)
class Ratio:
    """A percentage prose states, as a quotient of metrics: each side may mean any of its metrics' readings.

    ``numerator`` "" means the count stated just before the percentage (“予以公开8件，占72.7%”).
    """

    id: str
    label: str  # Chinese: “办结率”
    numerator: str
    denominators: tuple[str, ...]


@dataclass(frozen=True)
class Subject:
    """What a counted number in the prose is about, recognised from the words of its sentence.

    ``metrics``: id prefixes of the metrics about this subject; a count is compared with a metric's
    cells only when its sentence is about the metric's subject (docs/real-reports.md §A).
    """

    id: str
    label: str  # Chinese, for messages
    nouns: tuple[str, ...] = ()  # words naming it (“申请”, “文件”)
    units: tuple[str, ...] = ()  # units it is counted in
    verbs: tuple[str, ...] = ()  # verbs that make a noun-less sentence about it (“制发…500条”)
    metrics: tuple[str, ...] = ()
    not_nouns: tuple[str, ...] = ()  # longer words that contain a noun but do not name it (依申请公开)

    def named_in(self, text: str) -> bool:
        for word in self.not_nouns:
            text = text.replace(word, "")
        return any(n in text for n in self.nouns)


@dataclass(frozen=True)
class ReportFormat:
    id: str
    name: str
    document: str  # the circular that defines it
    sections: tuple[SectionSpec, ...]
    tables: tuple[TableSpec, ...]
    metrics: tuple[Metric, ...] = ()
    valid_years: tuple[int, int] = (0, 9999)  # report years this format is current for
    markers: tuple[str, ...] = ()  # phrases only this format's template has
    subjects: tuple[Subject, ...] = ()  # what prose counts can be about (see ``Subject``)
    ratios: tuple[Ratio, ...] = ()  # percentages prose states: “办结率”, a share of the applications
    categories: tuple[str, ...] = ()  # categories that partition the proactively disclosed total
    notes: dict[str, str] = field(default_factory=dict)

    def applies_to(self, year: int | None) -> bool:
        """Whether this format is the one in force for a report of ``year``."""
        return year is not None and self.valid_years[0] <= year <= self.valid_years[1]

    def ratio(self, ratio_id: str) -> Ratio | None:
        return next((r for r in self.ratios if r.id == ratio_id), None)

    def subject(self, subject_id: str) -> Subject | None:
        return next((s for s in self.subjects if s.id == subject_id), None)

    def other_subject(self, metric_id: str, text: str, unit: str | None = None) -> str:
        """The subject ``text`` (a sentence up to the number, whitespace removed) is about when it cannot be
        the application count ``metric_id`` claims; "" when it may be. Cases: 复议/诉讼 named. Documents: a
        document noun and a making verb, in a documents unit, and no application named (依申请公开 is a
        document's disclosure attribute, not an application)."""
        own = self.subject_of(metric_id)
        if own is None or own.id != "applications":
            return ""
        cases, docs = self.subject("cases"), self.subject("documents")
        if cases is not None and cases.named_in(text):
            return cases.id
        if docs is not None and (unit is None or unit in docs.units) and docs.named_in(text) \
                and any(v in text for v in docs.verbs) and not own.named_in(text):
            return docs.id
        return ""

    def subject_of(self, metric_id: str) -> Subject | None:
        """The subject a metric counts (“apply.new+apply.carried” → applications)."""
        first = metric_id.split("+")[0]
        return next((s for s in self.subjects if first.startswith(s.metrics)), None) if first else None

    def table(self, table_id: str) -> TableSpec:
        for t in self.tables:
            if t.id == table_id:
                return t
        raise KeyError(table_id)

    def section(self, key: str) -> SectionSpec:
        for s in self.sections:
            if s.key == key:
                return s
        raise KeyError(key)

    def metric(self, metric_id: str) -> Metric | None:
        for m in self.metrics:
            if m.id == metric_id:
                return m
        return None

    def readings(self, metric_id: str) -> tuple[Reading, ...]:
        """What a claim of this metric can mean in the tables; () when no table holds it.

        ``a+b`` (“予以公开及部分公开9件”) is a sum of two metrics: every combination of their readings.
        """
        combined: list[Reading] = [Reading("", ())]
        for part in metric_id.split("+"):
            metric = self.metric(part)
            if metric is None:
                return ()
            own = metric.readings or ((Reading(metric.description, (metric.id,)),) if metric.cells else ())
            if not own:
                return ()
            combined = [Reading(f"{a.label}与{b.label}之和" if a.label else b.label, a.plus + b.plus, a.minus + b.minus,
                                a.at_most or b.at_most) for a in combined for b in own]
        return tuple(combined)
