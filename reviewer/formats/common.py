"""Parts the 2021 standard format and the 2019 trial format share."""

from __future__ import annotations

from reviewer.formats.model import (ColumnSpec, Metric, Ratio, Reading, Relation, RowSpec, SectionSpec, Subject,
                                    TableSpec)

# Headings are recognised by meaning (reviewer/extract/sections.py): a numbered heading is a
# section when its words satisfy ``keywords`` and avoid ``excludes``; ``aliases`` are the exact
# wordings also accepted on a line of their own without a numeral (Word list numbering).
_ABOUT_OTHERS = ("主动公开", "申请", "复议", "诉讼", "问题", "不足", "其他", "其它")
SECTIONS = (
    SectionSpec("一", "总体情况", ("总体情况概述", "基本情况", "概述", "工作总体情况", "政府信息公开工作总体情况"),
                keywords=(("总体情况", "基本情况", "概述", "总体概况", "工作概况", "整体情况", "总体工作情况"),),
                excludes=_ABOUT_OTHERS),
    SectionSpec("二", "主动公开政府信息情况", ("主动公开政府信息", "主动公开情况", "主动公开工作情况",
                                       "行政机关主动公开政府信息情况"),
                keywords=(("主动公开", "主动公布"),), excludes=("申请", "复议", "诉讼", "问题", "不足")),
    SectionSpec("三", "收到和处理政府信息公开申请情况",
                ("收到和处理政府信息公开申请", "依申请公开政府信息情况", "政府信息公开申请情况",
                 "依申请公开情况", "行政机关收到和处理政府信息公开申请情况"),
                keywords=(("申请",), ("公开", "信息", "收到", "处理", "受理", "办理")),
                excludes=("复议", "诉讼", "问题", "不足", "主动公开")),
    SectionSpec("四", "政府信息公开行政复议、行政诉讼情况",
                ("政府信息公开行政复议和行政诉讼情况", "政府信息公开行政复议、行政诉讼",
                 "因政府信息公开申请行政复议、提起行政诉讼的情况", "行政复议、行政诉讼情况",
                 "政府信息公开行政复议、行政诉讼情况统计", "因政府信息公开工作被申请行政复议、提起行政诉讼情况",
                 "因政府信息公开工作被申请行政复议和提起行政诉讼情况", "因政府信息公开被申请行政复议、提起行政诉讼情况"),
                # 复义: a typo seen in published reports, as is 行政法复议 (which has 复议)
                keywords=(("复议", "诉讼", "复义"),), excludes=("问题", "不足")),
    SectionSpec("五", "存在的主要问题及改进情况",
                ("存在的主要问题和改进情况", "存在的主要问题及改进措施", "存在的主要问题和改进措施",
                 "主要问题及改进情况", "主要问题和改进情况", "政府信息公开工作存在的主要问题及改进情况",
                 "存在问题及改进措施", "存在的问题及改进措施", "存在的主要问题及整改措施",
                 "存在的主要问题和整改措施", "存在的主要问题及整改情况", "主要问题及整改措施", "存在的问题和改进措施",
                 "存在的主要问题及改进方向", "存在问题和改进措施", "存在的问题及整改情况",
                 "存在的主要问题及下一步工作打算", "主要问题及改进措施"),
                keywords=(("问题", "不足", "差距"),), excludes=("复议", "诉讼")),
    SectionSpec("六", "其他需要报告的事项", ("其他需要报告事项", "其他事项"),
                keywords=(("其他", "其它"), ("事项", "报告", "情况")), excludes=("问题", "申请", "复议", "诉讼")),
)

APPLICANT_COLUMNS = (
    ColumnSpec("natural", "自然人"),
    ColumnSpec("commercial", "商业企业"),
    ColumnSpec("research", "科研机构"),
    ColumnSpec("nonprofit", "社会公益组织"),
    ColumnSpec("legal", "法律服务机构"),
    ColumnSpec("other", "其他"),
    ColumnSpec("total", "总计"),
)
CATEGORY_KEYS = tuple(c.key for c in APPLICANT_COLUMNS if c.key != "total")

WITHHELD = (
    ("withheld_secret", "属于国家秘密"),
    ("withheld_law", "其他法律行政法规禁止公开"),
    ("withheld_safety", "危及“三安全一稳定”"),
    ("withheld_third_party", "保护第三方合法权益"),
    ("withheld_internal", "属于三类内部事务信息"),
    ("withheld_process", "属于四类过程性信息"),
    ("withheld_enforcement", "属于行政执法案卷"),
    ("withheld_query", "属于行政查询事项"),
)
UNAVAILABLE = (
    ("unavailable_none", "本机关不掌握相关政府信息"),
    ("unavailable_create", "没有现成信息需要另行制作"),
    ("unavailable_unclear", "补正后申请内容仍不明确"),
)
NOT_PROCESSED = (
    ("np_petition", "信访举报投诉类申请"),
    ("np_repeat", "重复申请"),
    ("np_publication", "要求提供公开出版物"),
    ("np_mass", "无正当理由大量反复申请"),
    ("np_confirm", "要求行政机关确认或重新出具已获取信息"),
)
OTHER_HANDLING = (
    ("other_no_correction", "申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"),
    ("other_no_fee", "申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"),
    ("other_other", "其他"),
)


def _items(items, parent) -> tuple[RowSpec, ...]:
    return tuple(RowSpec(key, label, f"{i}.", parent=parent) for i, (key, label) in enumerate(items, 1))


def applications_rows(other_has_items: bool) -> tuple[RowSpec, ...]:
    """Rows of the section-三 table; the 2019 trial format has no items under （六）."""
    other = (RowSpec("other_group", "其他处理", "（六）", group_only=True, one_row=True),
             *_items(OTHER_HANDLING, "other_group")) \
        if other_has_items else (RowSpec("other_handling", "其他处理", "（六）"),)
    return (
        RowSpec("new", "本年新收政府信息公开申请数量", "一、"),
        RowSpec("carried", "上年结转政府信息公开申请数量", "二、"),
        RowSpec("results", "本年度办理结果", "三、", group_only=True),
        RowSpec("disclosed", "予以公开", "（一）"),
        RowSpec("partial", "部分公开（区分处理的，只计这一情形，不计其他情形）", "（二）", aliases=("部分公开",)),
        RowSpec("withheld", "不予公开", "（三）", group_only=True),
        *_items(WITHHELD, "withheld"),
        RowSpec("unavailable", "无法提供", "（四）", group_only=True),
        *_items(UNAVAILABLE, "unavailable"),
        RowSpec("not_processed", "不予处理", "（五）", group_only=True),
        *_items(NOT_PROCESSED, "not_processed"),
        *other,
        RowSpec("results_total", "总计", "（七）"),
        RowSpec("forward", "结转下年度继续办理", "四、"),
    )


def applications_table(other_has_items: bool) -> TableSpec:
    rows = applications_rows(other_has_items)
    result_rows = [r.key for r in rows
                   if not r.group_only and r.key not in ("new", "carried", "results_total", "forward")]
    return TableSpec(
        id="table3",
        section="三",
        title="收到和处理政府信息公开申请情况表",
        rows=rows,
        columns=APPLICANT_COLUMNS,
        anchor=("本年新收政府信息公开申请数量", "勾稽关系"),
        relations=(
            Relation("table3.row_total", ("{row}/total",), tuple(f"{{row}}/{c}" for c in CATEGORY_KEYS), per="row",
                     description="“{row}”行：各类申请人之和应等于总计", lhs_name="总计", rhs_name="各类申请人之和"),
            Relation("table3.results_total", ("results_total/{column}",),
                     tuple(f"{r}/{{column}}" for r in result_rows), per="column",
                     description="“{column}”列：（七）总计应等于（一）至（六）各项办理结果之和",
                     lhs_name="（七）总计", rhs_name="（一）至（六）各项之和"),
            Relation("table3.balance", ("new/{column}", "carried/{column}"),
                     ("results_total/{column}", "forward/{column}"), per="column",
                     description="“{column}”列：第一项加第二项之和应等于第三项（七）总计加第四项之和（勾稽关系）",
                     lhs_name="第一项加第二项", rhs_name="第三项（七）总计加第四项"),
        ),
    )


_OUTCOMES = (("upheld", "结果维持"), ("corrected", "结果纠正"), ("other", "其他结果"),
             ("pending", "尚未审结"), ("total", "总计"))
_GROUPS = (("review", "行政复议"), ("direct", "行政诉讼·未经复议直接起诉"), ("after", "行政诉讼·复议后起诉"))

LITIGATION_COLUMNS = tuple(ColumnSpec(f"{g}_{o}", f"{gl}·{ol}") for g, gl in _GROUPS for o, ol in _OUTCOMES)

LITIGATION_TABLE = TableSpec(
    id="table4",
    section="四",
    title="政府信息公开行政复议、行政诉讼情况表",
    rows=(RowSpec("counts", "行政复议、行政诉讼情况"),),
    columns=LITIGATION_COLUMNS,
    anchor=("行政复议", "结果维持"),
    # no title row of its own in most drafts: read as column groups, searched after table 三 (or from section 三)
    layout="column_groups", follows="table3", markers=("行政复议", "结果维持", "尚未审结"),
    relations=tuple(
        Relation(f"table4.{g}_total", (f"counts/{g}_total",),
                 tuple(f"counts/{g}_{o}" for o, _ in _OUTCOMES if o != "total"),
                 description=f"{gl}：总计应等于结果维持、结果纠正、其他结果、尚未审结之和",
                 lhs_name="总计", rhs_name="各结果之和")
        for g, gl in _GROUPS
    ),
)


# ---------------------------------------------------------------- what prose counts --
# Units prose counts in (a count, or money) and the verbs that say what an application count is: 新收 is this
# year's new applications; 收到/受理/接收 may include last year's carried-over ones; 办理/处理 may include what is
# carried forward; 办结/答复 may include or leave out last year's carried-over cases (docs/real-reports.md §A).
# The first word found before the number picks the metric, whose readings the format declares.
COUNT_UNITS = frozenset("件条个篇项份起宗则")
MONEY_UNITS = frozenset({"元", "万元"})
VERBS: dict[str, tuple[tuple[str, str], ...]] = {
    "received": (("新收", "apply.new"), ("新增", "apply.new"), ("收", "apply.received"), ("受理", "apply.received"),
                 ("接", "apply.received")),
    "handled": (("办理完毕", "apply.answered"), ("办理完成", "apply.answered"), ("处理完毕", "apply.answered"),
                ("办结", "apply.answered"), ("答复", "apply.answered"), ("办理", "apply.processed"),
                ("处理", "apply.processed")),
}
APPEAL_NOUNS = ("复议", "诉讼")  # the “cases” subject: a sentence naming them never counts applications

# where an item is published: the same item goes out on several of them
CHANNEL_WORDS = ("网站", "网页", "门户", "微信", "公众号", "微博", "客户端", "APP", "新媒体", "抖音", "头条", "视频号",
                 "公开栏", "公告栏", "宣传栏", "报纸", "报刊", "公报", "政报", "电视", "广播", "政务服务", "平台", "专栏",
                 "档案馆", "图书馆")
# What a counted number is about, from the words of its own sentence (docs/real-reports.md §A): only a
# count whose subject is applications is compared with the application rows; documents counted by their
# disclosure attribute (“制发文件500条，其中主动公开200条、依申请公开260条”) are not applications.
SUBJECTS = (
    Subject("applications", "政府信息公开申请", nouns=("申请",), units=("件", "条", "个", "项"),
            metrics=("apply.",), not_nouns=("依申请公开", "依申请主动公开")),
    Subject("cases", "行政复议、行政诉讼案件", nouns=APPEAL_NOUNS, units=("件", "起", "宗", "个"),
            metrics=("review.", "litigation.")),
    Subject("documents", "文件、公文、政府信息", nouns=("文件", "公文", "发文", "文稿"),
            verbs=("制发", "印发", "制作", "形成", "产生", "拟制", "发文", "办理公文", "起草"),
            units=("条", "份", "篇", "件"), metrics=("proactive.", "rules.", "normative.", "interpretation.")),
    Subject("channels", "发布渠道", nouns=CHANNEL_WORDS, units=("条", "篇")),
    Subject("fees", "收费", nouns=("收费", "处理费"), units=("元", "万元"), metrics=("fees.", "fee.")),
)
# Categories of what is proactively disclosed: they partition the whole (each item has one category),
# unlike channels (one item goes out on several). Cross-cutting ones (重点领域, 民生, 行政执法) and nested ones
# (规范性文件 ⊂ 政策文件) are not listed: a part naming one leaves the sum a warning.
PROACTIVE_CATEGORIES = ("机构职能", "机构信息", "领导信息", "人事信息", "工作动态", "政务动态", "通知公告", "公示公告",
                        "规划计划", "计划规划", "统计信息", "财政资金", "财政预决算", "政策文件")


def _row_cells(table: TableSpec, rows: tuple[str, ...], column: str = "total") -> tuple[str, ...]:
    return tuple(f"{table.id}/{r}/{column}" for r in rows)


def application_metrics(t3: TableSpec) -> tuple[Metric, ...]:
    """What prose can count of applications, in this format's section-三 table (both formats share it,
    but for what （六）其他处理 holds)."""
    def under(parent: str) -> tuple[str, ...]:
        rows = tuple(r.key for r in t3.rows if r.parent == parent)
        return rows or (parent,)

    other = under("other_group") if any(r.key == "other_group" for r in t3.rows) else ("other_handling",)
    labels = tuple((c.key, c.label) for c in t3.columns if c.key != "total")
    return (
        Metric("apply.new", "本年新收政府信息公开申请数量", _row_cells(t3, ("new",))),
        Metric("apply.carried", "上年结转政府信息公开申请数量", _row_cells(t3, ("carried",))),
        Metric("apply.handled", "本年度办理结果总计（办结/答复数）", _row_cells(t3, ("results_total",))),
        Metric("apply.disclosed", "予以公开数", _row_cells(t3, ("disclosed",))),
        Metric("apply.partial", "部分公开数", _row_cells(t3, ("partial",))),
        Metric("apply.withheld", "不予公开数", _row_cells(t3, under("withheld"))),
        Metric("apply.unavailable", "无法提供数", _row_cells(t3, under("unavailable"))),
        Metric("apply.not_processed", "不予处理数", _row_cells(t3, under("not_processed"))),
        Metric("apply.other", "其他处理数", _row_cells(t3, other)),
        Metric("apply.forward", "结转下年度继续办理数", _row_cells(t3, ("forward",))),
        # the catch-all among the results: （六）3.其他 (2021), the whole （六）其他处理 (2019 trial format)
        Metric("apply.other_catchall", "兜底的“其他”处理数", _row_cells(t3, (other[-1],)), llm=False),
        *(Metric(f"apply.new.{c}", f"本年新收申请中{label}提出的数量", (f"{t3.id}/new/{c}",)) for c, label in labels),
        *(Metric(f"apply.carried.{c}", f"上年结转申请中{label}提出的数量", (f"{t3.id}/carried/{c}",), llm=False)
          for c, label in labels),
        *(Metric(f"apply.forward.{c}", f"结转下年度申请中{label}提出的数量", (f"{t3.id}/forward/{c}",), llm=False)
          for c, label in labels),
        # “共收到申请12件，其中自然人10件…”: the applicant split of whatever 收到 means
        *(Metric(f"apply.received.{c}", f"收到的申请中{label}提出的数量", readings=(
            Reading(f"本年新收申请中{label}提出的数量", (f"apply.new.{c}",)),
            Reading(f"{label}的本年新收与上年结转之和", (f"apply.new.{c}", f"apply.carried.{c}"))), llm=False)
          for c, label in labels),
        # Metrics of a wording, not of a cell: what the verb can mean in table 三 (docs/real-reports.md §A).
        Metric("apply.received", "收到/受理的政府信息公开申请数量", readings=(
            Reading("本年新收申请数", ("apply.new",)),
            Reading("本年新收与上年结转之和", ("apply.new", "apply.carried")))),
        Metric("apply.processed", "办理的政府信息公开申请数量", readings=(
            Reading("（七）总计", ("apply.handled",)),
            Reading("（七）总计与结转下年度之和", ("apply.handled", "apply.forward")))),
        Metric("apply.answered", "办结/答复的政府信息公开申请数量", readings=(
            Reading("（七）总计（含上年结转）", ("apply.handled",)),
            Reading("（七）总计减上年结转（本年新收中办结的）", ("apply.handled",), ("apply.carried",)))),
    )


def appeal_metrics(table: TableSpec = LITIGATION_TABLE) -> tuple[Metric, ...]:
    """行政复议 / 行政诉讼 counts; newly arisen cases are at most table 四's 总计 (which includes
    carried-over and pending ones)."""
    t = table.id
    return (
        Metric("review.total", "政府信息公开行政复议总数", (f"{t}/counts/review_total",)),
        Metric("review.corrected", "行政复议结果纠正数", (f"{t}/counts/review_corrected",)),
        Metric("litigation.total", "政府信息公开行政诉讼总数", (f"{t}/counts/direct_total", f"{t}/counts/after_total")),
        Metric("litigation.corrected", "行政诉讼结果纠正数",
               (f"{t}/counts/direct_corrected", f"{t}/counts/after_corrected")),
        Metric("review.pending", "行政复议尚未审结数", (f"{t}/counts/review_pending",), llm=False),
        Metric("litigation.pending", "行政诉讼尚未审结数", (f"{t}/counts/direct_pending", f"{t}/counts/after_pending"),
               llm=False),
        Metric("review.new", "新发生的政府信息公开行政复议数", readings=(
            Reading("行政复议总计（含上年结转、尚未审结）", ("review.total",), at_most=True),)),
        Metric("litigation.new", "新发生的政府信息公开行政诉讼数", readings=(
            Reading("行政诉讼总计（含上年结转、尚未审结）", ("litigation.total",), at_most=True),)),
    )


# Percentages of applications, through the readings of their metrics: 办结率 is what was closed (with or
# without last year's) over what was received (new, or new and carried over); a share (“予以公开8件，占72.7%”)
# is of the received or of the handled applications.
RATIOS = (
    Ratio("apply.closed_rate", "办结率", "apply.answered", ("apply.received",)),
    Ratio("apply.share", "占申请总数的比例", "", ("apply.received", "apply.handled")),
)
