"""The 2021 standard format: 国办公开办函〔2021〕30号 (reports for 2021 onwards)."""

from __future__ import annotations

from reviewer.formats.common import SECTIONS, LITIGATION_TABLE, applications_table, CATEGORY_KEYS
from reviewer.formats.model import ColumnSpec, Metric, Reading, ReportFormat, RowSpec, TableSpec

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


def _sum(rows: tuple[str, ...], column: str = "total") -> tuple[str, ...]:
    return tuple(f"table3/{r}/{column}" for r in rows)


def _rows_under(parent: str) -> tuple[str, ...]:
    return tuple(r.key for r in _T3.rows if r.parent == parent)


_CATEGORY_LABELS = tuple(zip(CATEGORY_KEYS, ("自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他")))

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
    Metric("fees.amount", "行政事业性收费金额（万元）", ("table2_8/fees/amount",), "万元"),
    Metric("apply.new", "本年新收政府信息公开申请数量", _sum(("new",))),
    Metric("apply.carried", "上年结转政府信息公开申请数量", _sum(("carried",))),
    Metric("apply.handled", "本年度办理结果总计（办结/答复数）", _sum(("results_total",))),
    Metric("apply.disclosed", "予以公开数", _sum(("disclosed",))),
    Metric("apply.partial", "部分公开数", _sum(("partial",))),
    Metric("apply.withheld", "不予公开数", _sum(_rows_under("withheld"))),
    Metric("apply.unavailable", "无法提供数", _sum(_rows_under("unavailable"))),
    Metric("apply.not_processed", "不予处理数", _sum(_rows_under("not_processed"))),
    Metric("apply.other", "其他处理数", _sum(_rows_under("other_group"))),
    Metric("apply.forward", "结转下年度继续办理数", _sum(("forward",))),
    *(Metric(f"apply.new.{c}", f"本年新收申请中{label}提出的数量", (f"table3/new/{c}",))
      for c, label in _CATEGORY_LABELS),
    *(Metric(f"apply.carried.{c}", f"上年结转申请中{label}提出的数量", (f"table3/carried/{c}",), llm=False)
      for c, label in _CATEGORY_LABELS),
    # “共收到申请12件，其中自然人10件…”: the applicant split of whatever 收到 means
    *(Metric(f"apply.received.{c}", f"收到的申请中{label}提出的数量", readings=(
        Reading(f"本年新收申请中{label}提出的数量", (f"apply.new.{c}",)),
        Reading(f"{label}的本年新收与上年结转之和", (f"apply.new.{c}", f"apply.carried.{c}"))), llm=False)
      for c, label in _CATEGORY_LABELS),
    Metric("review.total", "政府信息公开行政复议总数", ("table4/counts/review_total",)),
    Metric("review.corrected", "行政复议结果纠正数", ("table4/counts/review_corrected",)),
    Metric("litigation.total", "政府信息公开行政诉讼总数", ("table4/counts/direct_total", "table4/counts/after_total")),
    Metric("litigation.corrected", "行政诉讼结果纠正数",
           ("table4/counts/direct_corrected", "table4/counts/after_corrected")),
    # Metrics of a wording, not of a cell: what the verb can mean in table 三 / 四 (docs/real-reports.md §A).
    Metric("apply.received", "收到/受理的政府信息公开申请数量", readings=(
        Reading("本年新收申请数", ("apply.new",)),
        Reading("本年新收与上年结转之和", ("apply.new", "apply.carried")))),
    Metric("apply.processed", "办理的政府信息公开申请数量", readings=(
        Reading("（七）总计", ("apply.handled",)),
        Reading("（七）总计与结转下年度之和", ("apply.handled", "apply.forward")))),
    Metric("apply.answered", "办结/答复的政府信息公开申请数量", readings=(
        Reading("（七）总计（含上年结转）", ("apply.handled",)),
        Reading("（七）总计减上年结转（本年新收中办结的）", ("apply.handled",), ("apply.carried",)))),
    Metric("review.new", "新发生的政府信息公开行政复议数", readings=(
        Reading("行政复议总计（含上年结转、尚未审结）", ("review.total",), at_most=True),)),
    Metric("litigation.new", "新发生的政府信息公开行政诉讼数", readings=(
        Reading("行政诉讼总计（含上年结转、尚未审结）", ("litigation.total",), at_most=True),)),
    Metric("fee.charged", "收取信息处理费金额（元）", (), "元"),
    Metric("interpretation.total", "发布政策解读数量", (), "篇"),
)

LLM_METRICS = tuple(m for m in METRICS if m.llm)  # what the LLM may name a claim as

GOV_2021 = ReportFormat(
    id="gov-disclosure-2021",
    name="政府信息公开工作年度报告格式（2021年版）",
    document="国办公开办函〔2021〕30号",
    sections=SECTIONS,
    tables=(*ACTIVE_TABLES, _T3, LITIGATION_TABLE),
    metrics=METRICS,
    valid_years=(2021, 9999),
    markers=("本年制发件数", "现行有效件数", "本年处理决定数量", "申请人逾期未按收费通知要求缴纳费用"),
)
