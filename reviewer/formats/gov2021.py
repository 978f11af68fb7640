"""The 2021 standard format: 国办公开办函〔2021〕30号 (reports for 2021 onwards)."""

from __future__ import annotations

from reviewer.formats.common import (PROACTIVE_CATEGORIES, RATIOS, SECTIONS, LITIGATION_TABLE, SUBJECTS, appeal_metrics, application_metrics,
                                     applications_table)
from reviewer.formats.model import ColumnSpec, Metric, ReportFormat, RowSpec, TableSpec

_DECISIONS = (ColumnSpec("decisions", "本年处理决定数量"),)

ACTIVE_TABLES = (
    TableSpec(
        id="table2_1", section="二", title="第二十条第（一）项",
        rows=(RowSpec("rules", "规章", aliases=("规章(地方政府规章)", "地方政府规章", "部门规章")),
              RowSpec("normative", "行政规范性文件", aliases=("规范性文件",))),
        columns=(ColumnSpec("issued", "本年制发件数", ("本年新制发件数", "本年制发数量")),
                 ColumnSpec("abolished", "本年废止件数", ("本年废止数量",)),
                 ColumnSpec("in_force", "现行有效件数", ("现行有效数量",))),
        anchor=("第二十条第（一）项",),
    ),
    TableSpec(id="table2_5", section="二", title="第二十条第（五）项",
              rows=(RowSpec("license", "行政许可"),), columns=_DECISIONS, anchor=("第二十条第（五）项",)),
    TableSpec(id="table2_6", section="二", title="第二十条第（六）项",
              rows=(RowSpec("penalty", "行政处罚"), RowSpec("coercion", "行政强制")),
              columns=_DECISIONS, anchor=("第二十条第（六）项",)),
    TableSpec(id="table2_8", section="二", title="第二十条第（八）项",
              rows=(RowSpec("fees", "行政事业性收费"),),
              columns=(ColumnSpec("amount", "本年收费金额（单位：万元）", ("本年收费金额",), decimals=True),),
              anchor=("第二十条第（八）项",)),
)

_T3 = applications_table(other_has_items=True)

METRICS = (
    Metric("proactive.total", "主动公开政府信息总数", (), "条"),
    Metric("rules.issued", "本年制发规章件数", ("table2_1/rules/issued",)),
    Metric("rules.abolished", "本年废止规章件数", ("table2_1/rules/abolished",)),
    Metric("rules.in_force", "现行有效规章件数", ("table2_1/rules/in_force",)),
    Metric("normative.issued", "本年制发行政规范性文件件数", ("table2_1/normative/issued",)),
    Metric("normative.abolished", "本年废止行政规范性文件件数", ("table2_1/normative/abolished",)),
    Metric("normative.in_force", "现行有效行政规范性文件件数", ("table2_1/normative/in_force",)),
    Metric("license.decisions", "行政许可处理决定数量", ("table2_5/license/decisions",)),
    Metric("penalty.decisions", "行政处罚处理决定数量", ("table2_6/penalty/decisions",)),
    Metric("coercion.decisions", "行政强制处理决定数量", ("table2_6/coercion/decisions",)),
    Metric("rules.all", "规章一行各栏", ("table2_1/rules/issued", "table2_1/rules/abolished", "table2_1/rules/in_force"),
           llm=False),
    Metric("fees.amount", "行政事业性收费金额（万元）", ("table2_8/fees/amount",), "万元"),
    *application_metrics(_T3),
    *appeal_metrics(),
    Metric("fee.charged", "收取信息处理费金额（元）", (), "元"),
    Metric("interpretation.total", "发布政策解读数量", (), "篇"),
)


GOV_2021 = ReportFormat(
    id="gov-disclosure-2021",
    name="政府信息公开工作年度报告格式（2021年版）",
    document="国办公开办函〔2021〕30号",
    sections=SECTIONS,
    tables=(*ACTIVE_TABLES, _T3, LITIGATION_TABLE),
    metrics=METRICS,
    valid_years=(2021, 9999),
    subjects=SUBJECTS,
    ratios=RATIOS,
    categories=PROACTIVE_CATEGORIES,
    markers=("本年制发件数", "现行有效件数", "本年处理决定数量", "申请人逾期未按收费通知要求缴纳费用"),
)
