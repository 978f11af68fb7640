"""Every relation of the format, evaluated by one generic engine, plus root-cause grouping."""

from __future__ import annotations

from reviewer.checks.registry import Context, check, declared, finding, fmt_num
from reviewer.checks.rootcause import implied_value, localise
from reviewer.extract.facts import LogicalTable
from reviewer.findings import Finding
from reviewer.formats import FORMATS
from reviewer.formats.model import RelationInstance, TableSpec, merge_instances

ROOT_CAUSE = declared("arithmetic.root_cause")


def _relation_rules() -> list:
    """The declarations of every relation the formats name (arithmetic.toml declares each)."""
    return [declared(rid) for rid in dict.fromkeys(rel.id for fmt in FORMATS.values() for table in fmt.tables
                                                    for rel in table.relations)]


def _values(table: LogicalTable) -> dict[str, float]:
    return {k: c.value for k, c in table.cells.items() if c.value is not None}


@check(*_relation_rules(), ROOT_CAUSE)
def relations(ctx: Context):
    for spec in ctx.layout.tables:
        table = ctx.facts.tables.get(spec.id)
        if not table or not table.cells or not table.readable:
            continue  # an unreadable table is reported as such (format.table_unreadable), never guessed at
        yield from _table_relations(spec, table, ctx)


def _table_relations(spec: TableSpec, table: LogicalTable, ctx: Context):
    values = _values(table)
    instances = merge_instances(spec.relation_instances(), table.merged_rows)
    broken: list[RelationInstance] = []
    findings: list[Finding] = []
    for inst in instances:
        if not all(r in values for r in inst.refs):
            continue  # an operand could not be read: no finding from missing data
        lhs = sum(values[r] for r in inst.lhs)
        rhs = sum(values[r] for r in inst.rhs)
        if abs(lhs - rhs) > 1e-6:
            broken.append(inst)
            findings.append(_relation_finding(inst, table, lhs, rhs))
    if len(broken) >= 1:
        fixes = localise(instances, values, broken)
        if fixes and len(fixes) <= 3:
            group = f"{spec.id}.rc"
            fixes, supported = _rank_by_prose(fixes, table, ctx)
            for f in findings:
                f.group = group
            if len(broken) > 1:
                findings.insert(0, _root_cause(spec, table, fixes, supported, findings, group))
    yield from findings


def _root_cause(spec: TableSpec, table: LogicalTable, fixes, supported: bool, failed: list[Finding],
                group: str) -> Finding:
    """One finding for the cause of several failed relations.

    When exactly one smallest correction makes every relation hold, that correction is the error
    (“把X由1改为2”) and each failed relation is kept, marked ``derived_from`` it, without an
    应为/实为 of its own (the 应为 of a 总计 cell would tell the department to change the wrong cell).
    With several equally small corrections the cause is uncertain: an info naming them, and the
    failed relations stay the errors.
    """
    cells = [table.cells[ref].location for fix in fixes for ref in fix.cells]
    summary = _fix_text(fixes, table, supported)
    certain = len(fixes) == 1 and all(v is not None for v in fixes[0].cells.values())
    if not certain:
        for f in failed:
            f.suggestion = f"{f.suggestion}。根因分析：{summary}"
        return finding(ROOT_CAUSE.id, f"{spec.title}共有{len(failed)}条勾稽关系不成立，它们有共同的根源：{summary}",
                       cells, group=group, suggestion=summary, severity="info",
                       expected="；".join(_fix_values(fix, table) for fix in fixes))
    fix = fixes[0]
    root = finding(ROOT_CAUSE.id, f"把{_fix_values(fix, table)}：{spec.title}中{len(failed)}条不成立的勾稽关系即全部成立",
                   cells, group=group, suggestion=f"把{_fix_values(fix, table)}",
                   expected=_fix_values(fix, table))
    for f in failed:
        f.derived_from = root.id
        f.expected = f.actual = None
        f.suggestion = f"由根因导致：把{_fix_values(fix, table)}后即成立"
    return root


def _relation_finding(inst: RelationInstance, table: LogicalTable, lhs: float, rhs: float) -> Finding:
    cells = [table.cells[r] for r in dict.fromkeys(inst.refs)]
    rel = inst.relation
    message = (f"{inst.description}；实际{rel.lhs_name}为{fmt_num(lhs)}，{rel.rhs_name}为{fmt_num(rhs)}，"
               f"相差{fmt_num(abs(lhs - rhs))}")
    return finding(inst.id, message, [c.location for c in cells], expected=fmt_num(rhs), actual=fmt_num(lhs),
                   suggestion=f"核对{table.title}中相关单元格的数字", evidence=[c.raw or "" for c in cells[:8]])


def _fix_values(fix, table: LogicalTable) -> str:
    parts = []
    for ref, v in fix.cells.items():
        cur = table.cells[ref]
        want = "（需核实）" if v is None else fmt_num(float(v))
        parts.append(f"“{cur.location.label}”由{fmt_num(cur.value)}改为{want}")
    return "、".join(parts)


def _fix_text(fixes, table: LogicalTable, supported: bool = False) -> str:
    if len(fixes) == 1:
        return f"只需将{_fix_values(fixes[0], table)}，全部勾稽关系即可成立"
    if supported:
        others = "；或".join(_fix_values(f, table) for f in fixes[1:])
        return (f"最可能的更正（与正文所述数字一致）：将{_fix_values(fixes[0], table)}；"
                f"其他同样能使全部勾稽关系成立的更正：{others}")
    options = "；或".join(_fix_values(f, table) for f in fixes)
    return f"以下任一种更正即可使全部勾稽关系成立：{options}"


def _rank_by_prose(fixes, table: LogicalTable, ctx: Context):
    """Among equally small fixes, the one the prose agrees with goes first.

    A fix “agrees” with a prose claim when, after it, the cells of the claim's metric add up
    to the number the prose states (and disagrees when it breaks a claim that held).
    Returns (fixes in order, whether the first is uniquely best).
    """
    from reviewer.formats import own_format

    fmt = own_format(ctx.facts)
    refs_of = {}
    for claim in ctx.facts.claims:
        metric = fmt.metric(claim.metric)
        if metric and metric.cells and all(r.startswith(table.table_id + "/") for r in metric.cells):
            refs_of.setdefault(claim.metric, (tuple(r.split("/", 1)[1] for r in metric.cells), set()))[1].add(
                claim.value)
    if not refs_of:
        return fixes, False

    def score(fix) -> int:
        total = 0
        for refs, stated in refs_of.values():
            before = sum(table.cells[r].value or 0 for r in refs if r in table.cells)
            after = sum(float(fix.cells[r]) if r in fix.cells and fix.cells[r] is not None
                        else (table.cells[r].value or 0) for r in refs if r in table.cells)
            total += (after in stated) - (before in stated)
        return total

    scored = sorted(fixes, key=score, reverse=True)
    best = [score(f) for f in scored]
    return scored, best[0] > 0 and (len(best) == 1 or best[0] > best[1])


def blanks_mean_zero(spec: TableSpec, table: LogicalTable) -> bool:
    """Whether reading every blank/dash cell as 0 leaves every relation holding."""
    values = {k: (0.0 if c.status in ("blank", "dash") else c.value) for k, c in table.cells.items()}
    values = {k: v for k, v in values.items() if v is not None}
    for inst in merge_instances(spec.relation_instances(), table.merged_rows):
        if all(r in values for r in inst.refs):
            if abs(sum(values[r] for r in inst.lhs) - sum(values[r] for r in inst.rhs)) > 1e-6:
                return False
    return True


def blank_implied_values(spec: TableSpec, table: LogicalTable) -> dict[str, float]:
    """For blank/dash cells: the value the relations imply, where they imply exactly one."""
    values = _values(table)
    instances = merge_instances(spec.relation_instances(), table.merged_rows)
    out = {}
    for key, cell in table.cells.items():
        if cell.status in ("blank", "dash"):
            v = implied_value(key, instances, values)
            if v is not None:
                out[key] = v
    return out

