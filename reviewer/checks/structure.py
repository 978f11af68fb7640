"""The standard structure: six sections in order, each table in its section, every row present."""

from __future__ import annotations

from reviewer.checks.registry import Context, check, declared, finding
from reviewer.findings import Location

MISSING_SECTION = declared("structure.missing_section")
DUPLICATE_SECTION = declared("structure.duplicate_section")
NUMBERING = declared("structure.section_numbering")
ORDER = declared("structure.section_order")
TABLE_PLACEMENT = declared("structure.table_outside_section")
MISSING_TABLE = declared("structure.missing_table")
# a row whose label is not found may be there under other words: likely missing, not certain
MISSING_ROWS = declared("structure.missing_rows")
OUTDATED = declared("structure.outdated_template")


def _heading_loc(s) -> Location:
    return Location(section=s.key, block_id=s.block_id or None, span=(s.start, s.start + len(s.heading)),
                    text=s.heading)


@check(MISSING_SECTION, DUPLICATE_SECTION, NUMBERING, ORDER)
def sections(ctx: Context):
    found = {s.key: s for s in ctx.facts.sections}
    for spec in ctx.fmt.sections:
        if spec.required and spec.key not in found:
            # a heading numbered as this section but titled in words we cannot place: the
            # section may well be there, so this is not certain enough for an error
            maybe = next((h for h in ctx.facts.unrecognised_headings if h.number == spec.key), None)
            if maybe is not None:
                yield finding(MISSING_SECTION.id,
                              f"未能确认“{maybe.heading}”是否为第{spec.key}部分“{spec.key}、{spec.title}”",
                              [_heading_loc(maybe)], severity="warning",
                              suggestion=f"如该部分即“{spec.title}”，建议按{ctx.fmt.document}使用标准标题")
                continue
            yield finding(MISSING_SECTION.id, f"缺少第{spec.key}部分“{spec.key}、{spec.title}”",
                          suggestion=f"按{ctx.fmt.document}补充“{spec.key}、{spec.title}”部分")
    exact_counts: dict[str, list] = {}
    for h in ctx.facts.headings:
        if h.exact:
            exact_counts.setdefault(h.key, []).append(h)
    for key, hs in exact_counts.items():
        if len(hs) > 1:
            yield finding(DUPLICATE_SECTION.id, f"“{hs[0].heading}”等第{key}部分标题出现了{len(hs)}次",
                          [_heading_loc(h) for h in hs], suggestion="删除重复的标题，或核对是否误把其他内容编成了该部分")
    wrong = [s for s in ctx.facts.sections if s.number and s.number != s.key]
    if wrong:
        shown = "；".join(f"“{s.heading}”应为第{s.key}部分" for s in wrong)
        yield finding(NUMBERING.id, f"以下标题的序号与标准格式不一致：{shown}", [_heading_loc(s) for s in wrong],
                      suggestion="按标准格式的一至六顺序编号（如本地区格式另有规定，可忽略）")
    keys = [s.key for s in ctx.facts.sections]
    order = "一二三四五六"
    if keys != sorted(keys, key=order.index):
        yield finding(ORDER.id, f"各部分出现顺序为{'、'.join(keys)}，与标准格式的顺序不一致",
                      [_heading_loc(s) for s in ctx.facts.sections], suggestion="按一至六的顺序排列各部分")


@check(TABLE_PLACEMENT, MISSING_TABLE, MISSING_ROWS, OUTDATED)
def tables(ctx: Context):
    f = ctx.facts
    outdated = ctx.layout.id != ctx.fmt.id and ctx.fmt.applies_to(f.year) and not ctx.layout.applies_to(f.year) \
        and ctx.layout.valid_years[1] < (f.year or 0)
    if outdated:
        yield finding(OUTDATED.id,
                      f"{f.year}年度报告的表格使用了{ctx.layout.document}（{ctx.layout.name}）的样式，"
                      f"2021年度起应使用{ctx.fmt.document}规定的格式",
                      suggestion=f"按{ctx.fmt.document}更新第二、三部分的表格（如第二十条第（一）项改为本年制发/本年废止/现行有效件数）")
    sections = {s.key: s for s in f.sections}
    due = {t.id: t for t in ctx.fmt.tables}
    for spec in ctx.layout.tables:
        table = f.tables.get(spec.id)
        if outdated and spec.id not in due:
            continue  # one problem, the outdated template: never ask for a table only the old format had
        if table is None or not table.found:
            yield finding(MISSING_TABLE.id, f"未找到第{spec.section}部分的表格“{spec.title}”",
                          suggestion=f"按标准格式在第{spec.section}部分填列“{spec.title}”（数据为0也应填写）")
            continue
        missing = [k for k in table.missing_rows
                   if not outdated or any(r.key == k for r in due[spec.id].rows)]  # nor its rows
        if missing and table.readable:
            labels = [spec.row(k).full_label for k in missing]
            yield finding(MISSING_ROWS.id, f"“{spec.title}”缺少以下行（或其行标签与标准格式不同）：{'、'.join(labels[:6])}"
                          + ("等" if len(labels) > 6 else ""),
                          suggestion="按标准格式补全表格各行、使用标准行标签，没有数据的填0")
        sec = sections.get(spec.section)
        if sec is None or not table.span:
            continue
        start = table.span[0]
        if not (sec.start <= start < sec.end):
            where = "之前" if start < sec.start else "之后的其他部分中"
            first = min((c for c in table.cells.values() if c.location.span), key=lambda c: c.location.span[0])
            # certain only when the heading is surely that section's (the template wording, or
            # numbered as it); a heading known by its key words alone might be another's
            sure = sec.exact or sec.number == sec.key
            yield finding(TABLE_PLACEMENT.id,
                          f"“{spec.title}”出现在第{spec.section}部分标题“{sec.heading}”{where}",
                          [first.location, _heading_loc(sec)], severity=None if sure else "warning",
                          suggestion=f"把该表移到“{sec.heading}”标题之下")
