"""Format of the draft itself: converter artefacts and what sits in count cells."""

from __future__ import annotations

from reviewer.checks.arithmetic import blank_implied_values, blanks_mean_zero
from reviewer.checks.registry import Context, check, declared, finding, fmt_num

ARTEFACT = declared("format.converter_artefact")
BLANK = declared("format.blank_cell")
DASH = declared("format.dash_cell")
NON_NUMERIC = declared("format.non_numeric_cell")
NEGATIVE = declared("format.negative_count")
UNREADABLE = declared("format.table_unreadable")
INFERRED = declared("format.cells_inferred")
DAMAGED_LABEL = declared("format.row_label_damaged")


@check(ARTEFACT)
def artefacts(ctx: Context):
    by_text: dict[str, list] = {}
    for loc in ctx.facts.artefacts:
        by_text.setdefault(loc.text or "", []).append(loc)
    for text, locs in by_text.items():
        where = f"第{locs[0].section}部分" if locs[0].section else "文中"
        yield finding(ARTEFACT.id, f"{where}残留格式转换标记“{text}”" + (f"（共{len(locs)}处）" if len(locs) > 1 else ""),
                      locs, evidence=[text], suggestion=f"删除“{text}”")


@check(DAMAGED_LABEL)
def damaged_labels(ctx: Context):
    for spec in ctx.layout.tables:
        table = ctx.facts.tables.get(spec.id)
        for key, loc in (table.damaged_labels.items() if table else ()):
            yield finding(DAMAGED_LABEL.id,
                          f"“{spec.title}”中的行标签“{loc.text}”与标准格式的“{loc.label}”不符（疑为模板笔误），"
                          "已按它在前后两行之间的位置作为该行读取",
                          [loc], expected=loc.label, actual=loc.text, evidence=[loc.text or ""],
                          suggestion=f"按标准格式把行标签改为“{loc.label}”")


@check(BLANK, DASH, NON_NUMERIC, NEGATIVE, UNREADABLE, INFERRED)
def cells(ctx: Context):
    for spec in ctx.layout.tables:
        table = ctx.facts.tables.get(spec.id)
        if not table or not table.found:
            continue
        if not table.readable:
            where = [table.problem_location] if table.problem_location else \
                [c.location for c in table.cells.values() if c.location.span][:1]
            yield finding(UNREADABLE.id, f"“{spec.title}”{table.problem or '无法可靠读取'}；该表的勾稽关系及正文核对未进行",
                          where,
                          suggestion="提交带表格结构的原文（.docx 或含表格的网页），或在数字之间补上分隔")
        elif table.inferred:
            forced = "；其中数字个数与单元格数相同的行，每格一位数字，拆分唯一" if table.forced_rows else ""
            yield finding(INFERRED.id, f"“{spec.title}”的单元格边界已丢失（数字连在一起），已按表内勾稽关系唯一拆分{forced}",
                          [c.location for c in table.cells.values() if c.inferred][:3],
                          suggestion="发布稿请保留表格结构")
        implied = blank_implied_values(spec, table)
        by_status: dict[str, list] = {}
        for key, cell in table.cells.items():
            by_status.setdefault(cell.status, []).append((key, cell))
        if by_status.get("blank"):
            items = by_status["blank"]
            hints = [f"“{c.location.label}”按勾稽关系应为{fmt_num(implied[k])}" for k, c in items if k in implied]
            names = "、".join(c.location.label for _, c in items[:3]) + ("等" if len(items) > 3 else "")
            if blanks_mean_zero(spec, table):
                # common practice: blank for 0; the relations hold that way, so it is only a style note
                yield finding(BLANK.id, f"“{spec.title}”有{len(items)}个单元格留空（如{names}），按0理解时勾稽关系成立",
                              [c.location for _, c in items], severity="info",
                              suggestion="标准格式要求填写数字，没有数据的单元格请填0")
            else:
                yield finding(BLANK.id, f"“{spec.title}”有{len(items)}个应填数字的单元格为空：{names}",
                              [c.location for _, c in items],
                              suggestion="；".join(hints) if hints else "没有数据的单元格请填0")
        if by_status.get("dash"):
            items = by_status["dash"]
            yield finding(DASH.id, f"“{spec.title}”有{len(items)}个单元格用“{items[0][1].raw}”等符号代替数字",
                          [c.location for _, c in items], suggestion="标准格式要求填写数字，没有数据的填0")
        for _key, cell in by_status.get("non_numeric", []):
            raw = cell.raw if len(cell.raw) <= 40 else f"{cell.raw[:20]}…（共{len(cell.raw)}个字符）"
            yield finding(NON_NUMERIC.id, f"“{cell.location.label}”应为数字，实为“{raw}”", [cell.location],
                          actual=raw, suggestion="改为阿拉伯数字")
        for _key, cell in by_status.get("negative", []):
            yield finding(NEGATIVE.id, f"“{cell.location.label}”为负数（{cell.raw}），数量不能为负", [cell.location],
                          actual=cell.raw, suggestion="核对该数字")
