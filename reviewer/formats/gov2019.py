"""The 2019 trial format: 国办公开办函〔2019〕60号 (reports for 2019 and 2020).

Section 二 counts 新制作/新公开/对外公开总数 and adds the 第二十条第（九）项
government-procurement table; （六）其他处理 has no sub-rows.
"""

from __future__ import annotations

from reviewer.formats.common import (PROACTIVE_CATEGORIES, RATIOS, SECTIONS, LITIGATION_TABLE, SUBJECTS, appeal_metrics,
                                     application_metrics, applications_table)
from reviewer.formats.model import ColumnSpec, Metric, ReportFormat, RowSpec, TableSpec

_ITEMS = (ColumnSpec("last_year", "上一年项目数量"), ColumnSpec("change", "本年增/减", ("本年增减",), signed=True),
          ColumnSpec("decisions", "处理决定数量"))

ACTIVE_TABLES_2019 = (
    TableSpec(
        id="table2_1", section="二", title="第二十条第（一）项",
        rows=(RowSpec("rules", "规章"), RowSpec("normative", "规范性文件", aliases=("行政规范性文件",))),
        columns=(ColumnSpec("made", "本年新制作数量"), ColumnSpec("published", "本年新公开数量"),
                 ColumnSpec("total", "对外公开总数量")),
        anchor=("第二十条第（一）项",),
    ),
    TableSpec(id="table2_5", section="二", title="第二十条第（五）项",
              rows=(RowSpec("license", "行政许可"), RowSpec("other_services", "其他对外管理服务事项")),
              columns=_ITEMS, anchor=("第二十条第（五）项",)),
    TableSpec(id="table2_6", section="二", title="第二十条第（六）项",
              rows=(RowSpec("penalty", "行政处罚"), RowSpec("coercion", "行政强制")),
              columns=_ITEMS, anchor=("第二十条第（六）项",)),
    TableSpec(id="table2_8", section="二", title="第二十条第（八）项",
              rows=(RowSpec("fees", "行政事业性收费"),),
              columns=(ColumnSpec("last_year", "上一年项目数量"), ColumnSpec("change", "本年增/减", ("本年增减",), signed=True)),
              anchor=("第二十条第（八）项",)),
    TableSpec(id="table2_9", section="二", title="第二十条第（九）项",
              rows=(RowSpec("procurement", "政府集中采购"),),
              columns=(ColumnSpec("projects", "采购项目数量"),
                       ColumnSpec("amount", "采购总金额", decimals=True)),
              anchor=("第二十条第（九）项",)),
)

_T3 = applications_table(other_has_items=False)

# What prose counts can be checked against in the trial format: the same application and appeal counts
# (（六）其他处理 is one row), 新制作 for documents issued, 处理决定数量 for decisions; it has no 现行有效
# and no fee amount (its （八）项 counts fee items), so those claims are not compared.
METRICS = (
    Metric("proactive.total", "主动公开政府信息总数", (), "条"),
    Metric("rules.issued", "本年新制作规章数量", ("table2_1/rules/made",)),
    Metric("normative.issued", "本年新制作规范性文件数量", ("table2_1/normative/made",)),
    Metric("rules.all", "规章一行各栏", ("table2_1/rules/made", "table2_1/rules/published", "table2_1/rules/total"),
           llm=False),
    Metric("license.decisions", "行政许可处理决定数量", ("table2_5/license/decisions",)),
    Metric("penalty.decisions", "行政处罚处理决定数量", ("table2_6/penalty/decisions",)),
    Metric("coercion.decisions", "行政强制处理决定数量", ("table2_6/coercion/decisions",)),
    *application_metrics(_T3),
    *appeal_metrics(),
    Metric("fee.charged", "收取信息处理费金额（元）", (), "元"),
    Metric("interpretation.total", "发布政策解读数量", (), "篇"),
)

GOV_2019 = ReportFormat(
    id="gov-disclosure-2019",
    name="政府信息公开工作年度报告格式（2019年试行）",
    document="国办公开办函〔2019〕60号",
    sections=SECTIONS,
    tables=(*ACTIVE_TABLES_2019, _T3, LITIGATION_TABLE),
    metrics=METRICS,
    valid_years=(2019, 2020),
    subjects=SUBJECTS,
    ratios=RATIOS,
    categories=PROACTIVE_CATEGORIES,
    markers=("本年新制作数量", "本年新公开数量", "对外公开总数量", "第二十条第（九）项", "采购总金额", "上一年项目数量"),
)
