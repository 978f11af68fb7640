"""Numbers the prose states, against the tables; “其中” parts against their whole."""

from __future__ import annotations

from reviewer.checks.registry import Context, check, declared, finding, fmt_num
from reviewer.extract.facts import CellValue, Claim, PartsGroup, ReportFacts
from reviewer.findings import Finding
from reviewer.formats import own_format
from reviewer.formats.model import Reading

CLAIM_MISMATCH = declared("crossref.claim_vs_table")
PARTS_EXCEED = declared("crossref.parts_exceed_whole")


def check_claims(facts: ReportFacts, claims: list[Claim], groups: list[PartsGroup] = ()) -> list[Finding]:
    """Each claim against every table quantity its wording can mean (``ReportFormat.readings``).

    A claim contradicts the table only when every reading fails; a reading whose cells
    cannot be read makes the claim unverifiable (no finding). A whole followed by a “其中”
    split that adds up to it is self-consistent: its parts are checked instead.
    Public: the LLM review verifies the claims it extracts through this too.
    """
    fmt = own_format(facts)
    split_ok = {id(g.whole) for g in groups if abs(sum(p.value for p in g.parts) - g.whole.value) < 1e-6}
    out: list[Finding] = []
    for claim in _same_row_parts_summed(claims):
        readings = fmt.readings(claim.metric)
        if not readings or id(claim) in split_ok:
            continue
        evaluated = [evaluate_reading(fmt, facts, r) for r in readings]
        if any(e is None for e in evaluated):
            continue
        if any(_holds(claim.value, r, total) for r, (total, _) in zip(readings, evaluated)):
            continue
        # the reading that came closest names the table quantity in the message
        reading, (total, cells) = min(zip(readings, evaluated), key=lambda re_: abs(re_[1][0] - claim.value))
        where = "、".join(c.location.label for c in cells) if len(cells) <= 2 else \
            f"{cells[0].location.label}等{len(cells)}个单元格"
        others = [f"按“{r.label}”为{fmt_num(t)}" for r, (t, _) in zip(readings, evaluated) if r is not reading]
        also = f"；其他理解也不一致（{'，'.join(others)}）" if others else ""
        relation = "≤" if reading.at_most else ""
        out.append(finding(
            CLAIM_MISMATCH.id,
            f"正文称“{claim.quote}”（{fmt_num(claim.value)}），但表格中{reading.label}（{where}）为{fmt_num(total)}{also}",
            [claim.location] + [c.location for c in cells],
            expected=f"{relation}{fmt_num(total)}", actual=fmt_num(claim.value), evidence=[claim.quote],
            suggestion=f"核对后统一正文与表格：正文所述数字应与表格中{reading.label}一致", origin=claim.origin))
    return out


def _same_row_parts_summed(claims: list[Claim]) -> list[Claim]:
    """Parts of one split that count the same quantity (“其中予以公开1件、同意公开2件”: both 予以公开) are
    one claim of their sum: the table holds their total, never each of them."""
    by_key: dict[tuple[str, str], list[Claim]] = {}
    for c in claims:
        if c.part_of:
            by_key.setdefault((c.part_of, c.metric), []).append(c)
    if all(len(same) == 1 for same in by_key.values()):
        return claims  # the usual case: nothing to sum
    out = []
    for c in claims:
        same = by_key.get((c.part_of, c.metric), []) if c.part_of else []
        if len(same) < 2:
            out.append(c)
        elif c is same[0]:
            quote = "、".join(p.quote for p in same)
            out.append(c.model_copy(update={"value": sum(p.value for p in same), "quote": quote}))
    return out


def metric_cells(fmt, facts: ReportFacts, metric_id: str, values: bool = True) -> list[CellValue] | None:
    """The cells a metric of the format addresses, as read; None when the format has no such metric, a
    table is unreadable, or (with ``values``) a cell has no value. Checks address metrics, never cell keys."""
    metric = fmt.metric(metric_id)
    if metric is None or not metric.cells:
        return None
    cells = []
    refs = metric.cells
    if any(t.merged_rows for t in facts.tables.values()):
        refs = tuple(dict.fromkeys(_merged(facts, r) for r in refs))
    for ref in refs:
        table_id, row, col = ref.split("/")
        table = facts.tables.get(table_id)
        cell = table.get(row, col) if table and table.readable else None
        if cell is None or (values and cell.value is None):
            return None
        cells.append(cell)
    return cells


def _merged(facts: ReportFacts, ref: str) -> str:
    """An item's ref as the group's when the draft printed the group as one row (“（六）其他处理”)."""
    table_id, row, col = ref.split("/")
    table = facts.tables.get(table_id)
    group = table.merged_rows.get(row) if table is not None else None
    return f"{table_id}/{group}/{col}" if group else ref


def evaluate_reading(fmt, facts: ReportFacts, reading: Reading) -> tuple[float, list[CellValue]] | None:
    """The reading's value in the tables and the cells it adds (subtracted ones included); None if unreadable."""
    total, cells = 0.0, []
    for sign, metric_ids in ((1, reading.plus), (-1, reading.minus)):
        for metric_id in metric_ids:
            got = metric_cells(fmt, facts, metric_id)
            if got is None:
                return None
            total += sign * sum(c.value for c in got)
            cells.extend(got)
    return (total, cells) if cells else None


def _holds(value: float, reading: Reading, total: float) -> bool:
    return value <= total + 1e-6 if reading.at_most else abs(total - value) < 1e-6


@check(CLAIM_MISMATCH, PARTS_EXCEED)
def claims_against_tables(ctx: Context):
    yield from check_claims(ctx.facts, ctx.facts.claims, ctx.facts.parts_groups)
    for group in ctx.facts.parts_groups:
        yield from _parts_against_whole(group)


def _parts_against_whole(group: PartsGroup):
    """Parts above their whole: an error when they cannot overlap (each application has one applicant and
    one result) or one part alone exceeds the whole; a warning when they may; nothing when they are
    channels listed after 其中 (one item goes out on several: the usual case)."""
    parts = group.parts
    total = sum(p.value for p in parts)
    if total <= group.whole.value + 1e-6:
        return
    whole = fmt_num(group.whole.value)
    biggest = max(parts, key=lambda p: p.value)
    shown = "＋".join(fmt_num(p.value) for p in parts)
    evidence = [group.whole.quote] + [p.quote for p in parts if p.quote != group.whole.quote]
    locations = [group.whole.location] + [p.location for p in parts]
    if biggest.value > group.whole.value + 1e-6:
        yield finding(PARTS_EXCEED.id, f"正文称总数为{whole}，但其中一项“{biggest.quote}”（{fmt_num(biggest.value)}）"
                      f"就已超过总数（各项{shown}＝{fmt_num(total)}）", locations, expected=f"≤{whole}",
                      actual=fmt_num(total), evidence=evidence,
                      suggestion="核对总数与该分项：任何一个分项都不可能大于总数")
    elif group.overlap == "channels":
        return  # one item goes out on several channels: their sum above the total is the usual case
    elif group.overlap == "possible":
        yield finding(PARTS_EXCEED.id, f"正文称总数为{whole}，所列各分项{shown}＝{fmt_num(total)}，超过总数；"
                      "若同一条信息在多个渠道发布，各渠道之和可以大于总数，请确认", locations, severity="warning",
                      expected=f"≤{whole}", actual=fmt_num(total), evidence=evidence,
                      suggestion="若各渠道有交叉，宜写明“同一信息在多个渠道发布”；否则核对总数与各分项")
    else:
        yield finding(PARTS_EXCEED.id, f"正文称总数为{whole}，但所列各分项{shown}＝{fmt_num(total)}，超过总数",
                      locations, expected=f"≤{whole}", actual=fmt_num(total), evidence=evidence,
                      suggestion="核对总数与各分项：这些分项互不重叠，之和不应超过总数")
