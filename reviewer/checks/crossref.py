"""Numbers the prose states, against the tables; “其中” parts against their whole."""

from __future__ import annotations

from reviewer.checks.registry import Context, Rule, check, finding, fmt_num
from reviewer.extract.facts import Claim, ReportFacts
from reviewer.findings import Finding
from reviewer.formats import FORMATS

CLAIM_MISMATCH = Rule("crossref.claim_vs_table", "crossref", "error", "正文所述数字与表格不一致")
PARTS_EXCEED = Rule("crossref.parts_exceed_whole", "crossref", "error", "“其中”各分项之和超过总数")


def check_claims(facts: ReportFacts, claims: list[Claim]) -> list[Finding]:
    """Each claim whose metric a readable table holds, compared with that table.

    Public: the LLM review verifies the claims it extracts through this too.
    """
    fmt = FORMATS[facts.format_id]
    out: list[Finding] = []
    for claim in claims:
        metric = fmt.metric(claim.metric)
        if metric is None or not metric.cells:
            continue
        cells = []
        for ref in metric.cells:
            table_id, row, col = ref.split("/")
            table = facts.tables.get(table_id)
            cell = table.get(row, col) if table and table.readable else None
            if cell is None or cell.value is None:
                cells = None
                break
            cells.append(cell)
        if not cells:
            continue
        total = sum(c.value for c in cells)
        if abs(total - claim.value) < 1e-6:
            continue
        where = cells[0].location.label if len(cells) == 1 else f"{cells[0].table}中{len(cells)}个单元格之和"
        out.append(finding(
            CLAIM_MISMATCH.id,
            f"正文称“{claim.quote}”，{metric.description}为{fmt_num(claim.value)}，但表格（{where}）为{fmt_num(total)}",
            [claim.location] + [c.location for c in cells],
            expected=fmt_num(total), actual=fmt_num(claim.value), evidence=[claim.quote],
            suggestion=f"核对后统一正文与表格：{metric.description}应为同一个数", origin=claim.origin))
    return out


@check(CLAIM_MISMATCH, PARTS_EXCEED)
def claims_against_tables(ctx: Context):
    yield from check_claims(ctx.facts, ctx.facts.claims)
    for group in ctx.facts.parts_groups:
        parts = group.parts
        total = sum(p.value for p in parts)
        if total > group.whole.value + 1e-6:
            shown = "＋".join(fmt_num(p.value) for p in parts)
            yield finding(
                PARTS_EXCEED.id,
                f"正文称总数为{fmt_num(group.whole.value)}，但“其中”所列各项{shown}＝{fmt_num(total)}，超过总数",
                [group.whole.location] + [p.location for p in parts],
                expected=f"≤{fmt_num(group.whole.value)}", actual=fmt_num(total),
                evidence=[group.whole.quote] + [p.quote for p in parts if p.quote != group.whole.quote],
                suggestion="核对总数与各分项：分项之和不应超过总数（若分项有交叉，请改写“其中”的表述）")

