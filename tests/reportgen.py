"""Synthetic annual reports in the 2021 standard format, rendered as .txt/.docx/.html/.md.

One ``ReportSpec`` holds a report's content (prose and every table number);
renderers turn it into the byte layouts real drafts arrive in, so a test can
check that every ingest path reads the same report the same way.

    spec = consistent_spec(agency="某市某局", year=2023, seed=7)   # all relations hold
    spec.table3["new"]["commercial"] += 1                            # break one on purpose
    data = to_docx(spec)                                             # or to_txt_flattened/to_html/to_md

Table keys are the keys of ``reviewer/formats`` (rows ``new``, ``carried``,
``disclosed`` …, columns ``natural`` … ``total``; table 四 columns
``review_upheld`` … ``after_total``); labels and order are those of docs/domain.md §3,
written out here independently so the fixtures also test the format declaration.
"""

from __future__ import annotations

import html as _html
import io
import random
from dataclasses import dataclass, field

# --- the standard format, word for word (docs/domain.md §3) ---------------------------------------

SECTION_HEADINGS = {
    "一": "一、总体情况",
    "二": "二、主动公开政府信息情况",
    "三": "三、收到和处理政府信息公开申请情况",
    "四": "四、政府信息公开行政复议、行政诉讼情况",
    "五": "五、存在的主要问题及改进情况",
    "六": "六、其他需要报告的事项",
}
# Headings correct reports print instead of the template's (docs/real-reports.md §A, and more of each
# family): the format's own guidance, 条例 art. 50, local habits, typos. Numeral included.
HEADING_VARIANTS: dict[str, tuple[str, ...]] = {
    "一": ("一、政府信息公开工作总体情况", "一、基本情况", "一、总体情况概述"),
    "二": ("二、行政机关主动公开政府信息情况", "二、主动公开政府信息工作情况", "二、主动公开情况"),
    "三": ("三、行政机关收到和处理政府信息公开申请情况", "三、依申请公开政府信息情况", "三、收到和处理政府信息公开申请的情况",
           "三、政府信息公开申请办理情况"),
    "四": ("四、因政府信息公开工作被申请行政复议、提起行政诉讼情况", "四、因政府信息公开工作被申请行政复议和提起行政诉讼情况",
           "四、因政府信息公开被申请行政复议、提起行政诉讼情况", "四、因政府信息公开工作被申请行政法复议、提起行政诉讼情况",
           "四、政府信息公开行政复议、行政诉讼情况统计", "四、政府信息公开行政复议和行政诉讼情况"),
    "五": ("五、存在的主要问题及改进措施", "五、存在的问题及整改情况", "五、政府信息公开工作存在的主要问题及改进情况",
           "五、存在的主要问题及下一步工作打算", "五、主要问题及改进措施", "五、存在的不足及改进方向",
           "五、工作中存在的问题和下一步计划"),
    "六": ("六、其他需要说明的事项", "六、其他事项", "六、其他需要报告事项"),
}
T3_COLUMNS = (("natural", "自然人"), ("commercial", "商业企业"), ("research", "科研机构"),
              ("nonprofit", "社会公益组织"), ("legal", "法律服务机构"), ("other", "其他"), ("total", "总计"))
CATEGORIES = tuple(k for k, _ in T3_COLUMNS[:-1])
_RESULTS = "三、本年度办理结果"
# (row key, top label, group label, item label): the three label columns of table 三
T3_ROWS: tuple[tuple[str, str, str | None, str | None], ...] = (
    ("new", "一、本年新收政府信息公开申请数量", None, None),
    ("carried", "二、上年结转政府信息公开申请数量", None, None),
    ("disclosed", _RESULTS, "（一）予以公开", None),
    ("partial", _RESULTS, "（二）部分公开（区分处理的，只计这一情形，不计其他情形）", None),
    *((k, _RESULTS, "（三）不予公开", f"{i}.{t}") for i, (k, t) in enumerate((
        ("withheld_secret", "属于国家秘密"), ("withheld_law", "其他法律行政法规禁止公开"),
        ("withheld_safety", "危及“三安全一稳定”"), ("withheld_third_party", "保护第三方合法权益"),
        ("withheld_internal", "属于三类内部事务信息"), ("withheld_process", "属于四类过程性信息"),
        ("withheld_enforcement", "属于行政执法案卷"), ("withheld_query", "属于行政查询事项")), 1)),
    *((k, _RESULTS, "（四）无法提供", f"{i}.{t}") for i, (k, t) in enumerate((
        ("unavailable_none", "本机关不掌握相关政府信息"), ("unavailable_create", "没有现成信息需要另行制作"),
        ("unavailable_unclear", "补正后申请内容仍不明确")), 1)),
    *((k, _RESULTS, "（五）不予处理", f"{i}.{t}") for i, (k, t) in enumerate((
        ("np_petition", "信访举报投诉类申请"), ("np_repeat", "重复申请"), ("np_publication", "要求提供公开出版物"),
        ("np_mass", "无正当理由大量反复申请"), ("np_confirm", "要求行政机关确认或重新出具已获取信息")), 1)),
    *((k, _RESULTS, "（六）其他处理", f"{i}.{t}") for i, (k, t) in enumerate((
        ("other_no_correction", "申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"),
        ("other_no_fee", "申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"),
        ("other_other", "其他")), 1)),
    ("results_total", _RESULTS, "（七）总计", None),
    ("forward", "四、结转下年度继续办理", None, None),
)
RESULT_ROWS = tuple(k for k, *_ in T3_ROWS if k not in ("new", "carried", "results_total", "forward"))
T3_NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
T4_GROUPS = (("review", "行政复议"), ("direct", "未经复议直接起诉"), ("after", "复议后起诉"))
T4_OUTCOMES = (("upheld", "结果维持"), ("corrected", "结果纠正"), ("other", "其他结果"),
               ("pending", "尚未审结"), ("total", "总计"))
T4_COLUMNS = tuple(f"{g}_{o}" for g, _ in T4_GROUPS for o, _ in T4_OUTCOMES)
# table 二: (row key, label, columns) per sub-table, under its 第二十条 heading
T2_PARTS = (
    ("第二十条第（一）项", ("本年制发件数", "本年废止件数", "现行有效件数"), ("issued", "abolished", "in_force"),
     (("rules", "规章"), ("normative", "行政规范性文件"))),
    ("第二十条第（五）项", ("本年处理决定数量",), ("decisions",), (("license", "行政许可"),)),
    ("第二十条第（六）项", ("本年处理决定数量",), ("decisions",), (("penalty", "行政处罚"), ("coercion", "行政强制"))),
    ("第二十条第（八）项", ("本年收费金额（单位：万元）",), ("amount",), (("fees", "行政事业性收费"),)),
)

# The 2019 trial format (国办公开办函〔2019〕60号, reports for 2019 and 2020): section 二 counts
# 新制作/新公开/对外公开总数, its 许可/处罚 tables count items, a 第二十条第（九）项 procurement table
# holds a count and an amount; table 三 has no items under （六）其他处理.
T2_PARTS_2019 = (
    ("第二十条第（一）项", ("本年新制作数量", "本年新公开数量", "对外公开总数量"), ("made", "published", "total"),
     (("rules", "规章"), ("normative", "规范性文件"))),
    ("第二十条第（五）项", ("上一年项目数量", "本年增/减", "处理决定数量"), ("last_year", "change", "decisions"),
     (("license", "行政许可"), ("other_services", "其他对外管理服务事项"))),
    ("第二十条第（六）项", ("上一年项目数量", "本年增/减", "处理决定数量"), ("last_year", "change", "decisions"),
     (("penalty", "行政处罚"), ("coercion", "行政强制"))),
    ("第二十条第（八）项", ("上一年项目数量", "本年增/减"), ("last_year", "change"), (("fees", "行政事业性收费"),)),
    ("第二十条第（九）项", ("采购项目数量", "采购总金额"), ("projects", "amount"), (("procurement", "政府集中采购"),)),
)
_OTHER_ITEMS = ("other_no_correction", "other_no_fee", "other_other")
T3_ROWS_2019 = tuple(("other_handling", _RESULTS, "（六）其他处理", None) if r[0] == _OTHER_ITEMS[0] else r
                     for r in T3_ROWS if r[0] not in _OTHER_ITEMS[1:])


@dataclass
class ReportSpec:
    """Everything a report says. Numbers live in the ``table*`` dicts; prose in ``sections``."""

    agency: str
    year: int
    title: str
    period_start: str  # as printed, e.g. "2023年1月1日"
    period_end: str
    intro: list[str] = field(default_factory=list)  # paragraphs before 一、总体情况; "{period}" is filled in
    sections: dict[str, list[str]] = field(default_factory=dict)  # "一" … "六" → paragraphs
    table2: dict[str, dict[str, float]] = field(default_factory=dict)  # row → column → value
    table3: dict[str, dict[str, int]] = field(default_factory=dict)  # row → column → value
    table4: dict[str, int] = field(default_factory=dict)  # column → value
    # section headings as printed, numeral included; by default the template's (SECTION_HEADINGS)
    headings: dict[str, str] = field(default_factory=lambda: dict(SECTION_HEADINGS))
    layout: str = "2021"  # "2019": the trial format's tables (see ``trial_spec``)

    @property
    def t2_parts(self):
        return T2_PARTS_2019 if self.layout == "2019" else T2_PARTS

    @property
    def t3_rows(self):
        return T3_ROWS_2019 if self.layout == "2019" else T3_ROWS

    @property
    def period_sentence(self) -> str:
        return f"本报告所列数据的统计期限自{self.period_start}起至{self.period_end}止。"

    def numbers(self, table: str) -> list[str]:
        """The numeric cell texts of one table (``table2``/``table3``/``table4``) as rendered."""
        if table == "table2":
            return [fmt(self.table2[r][c]) for _, _, cols, rows in self.t2_parts for r, _ in rows for c in cols]
        if table == "table3":
            return [fmt(self.table3[r][c]) for r, *_ in self.t3_rows for c, _ in T3_COLUMNS]
        return [fmt(self.table4[c]) for c in T4_COLUMNS]


def fmt(value: float) -> str:
    """How a number is printed in a cell: integers plainly, money with up to two decimals."""
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.2f}".rstrip("0").rstrip(".")


# --- a random but consistent report -----------------------------------------------------------

def consistent_spec(agency: str = "乌海市示例局", year: int = 2023, seed: int = 0,
                    zero_applications: bool | None = None, vary_wording: bool = False,
                    headings: dict[str, str] | None = None) -> ReportSpec:
    """A report whose tables satisfy every relation of docs/domain.md §3 and whose prose agrees.

    ``zero_applications``: force (True) or forbid (False) an all-zero table 三; by default a
    quarter of the seeds give one, as small agencies really report.
    ``vary_wording``: pick each narrative paragraph's wording by seed (reports that must not
    read as copies of each other); by default the standard wording, which tests may quote.
    ``headings``: section headings to print instead of the template's, e.g.
    ``{"四": "四、因政府信息公开工作被申请行政复议、提起行政诉讼情况"}`` (see ``HEADING_VARIANTS``).
    """
    rnd = random.Random(seed)
    if zero_applications is None:
        zero_applications = rnd.random() < 0.25
    table3 = _table3(rnd, zero_applications)
    table2 = _table2(rnd)
    table4 = _table4(rnd)
    spec = ReportSpec(agency=agency, year=year, title=f"{agency}{year}年政府信息公开工作年度报告",
                      period_start=f"{year}年1月1日", period_end=f"{year}年12月31日",
                      table2=table2, table3=table3, table4=table4)
    spec.intro = [
        f"本报告根据《中华人民共和国政府信息公开条例》要求，由{agency}编制。报告包括总体情况、主动公开政府信息情况、"
        "收到和处理政府信息公开申请情况、政府信息公开行政复议和行政诉讼情况、存在的主要问题及改进情况、"
        "其他需要报告的事项。{period}"
        f"本报告电子版可在{agency}门户网站下载。如对本报告有疑问，请与{agency.removesuffix('办公室')}办公室联系。",
    ]
    spec.sections = _prose(rnd, spec, vary=vary_wording)
    spec.headings.update(headings or {})
    return spec


def trial_spec(agency: str = "某县示例局", year: int = 2020, seed: int = 0,
               procurement: tuple[int, float] = (1357, 5394432.52), **kw) -> ReportSpec:
    """A consistent report in the 2019 trial layout (correct for 2019 and 2020 reports).

    ``procurement``: the 政府集中采购 count and amount (万元 not stated by the template: 元 are
    common), by default the pair crawled pages glue into “13575394432.52”.
    """
    spec = consistent_spec(agency=agency, year=year, seed=seed, **kw)
    rnd = random.Random(seed + 2019)
    spec.layout = "2019"
    t3 = spec.table3
    t3["other_handling"] = {c: sum(t3[r][c] for r in _OTHER_ITEMS) for c, _ in T3_COLUMNS}
    for r in _OTHER_ITEMS:
        del t3[r]
    t2 = spec.table2
    normative = t2["normative"]
    items = lambda decisions: {"last_year": rnd.randint(1, 60), "change": rnd.choice([0, 0, 1, 2]),
                               "decisions": decisions}
    spec.table2 = {
        "rules": {"made": 0, "published": 0, "total": 0},
        "normative": {"made": normative["issued"], "published": normative["issued"], "total": normative["in_force"]},
        "license": items(t2["license"]["decisions"]),
        "other_services": items(rnd.randint(0, 30)),
        "penalty": items(t2["penalty"]["decisions"]),
        "coercion": items(t2["coercion"]["decisions"]),
        "fees": {"last_year": rnd.randint(0, 6), "change": 0},
        "procurement": {"projects": procurement[0], "amount": procurement[1]},
    }
    return spec


def rewrite_prose(spec: ReportSpec, seed: int, vary: bool = True) -> None:
    """Re-derive the narrative from the spec's current tables (after editing them)."""
    spec.sections = _prose(random.Random(seed), spec, vary=vary)


def _table3(rnd: random.Random, zero: bool) -> dict[str, dict[str, int]]:
    t = {k: {c: 0 for c, _ in T3_COLUMNS} for k, *_ in T3_ROWS}
    if not zero:
        weights = {"natural": 12, "commercial": 3, "research": 1, "nonprofit": 1, "legal": 2, "other": 1}
        likely = ("disclosed", "partial", "unavailable_none", "withheld_third_party", "withheld_process",
                  "np_repeat", "other_no_correction", "other_other", "unavailable_create")
        for col, w in weights.items():
            if col != "natural" and rnd.random() < 0.5:
                continue  # many columns stay empty in real reports
            new = rnd.randint(0, w)
            carried = rnd.randint(0, 1) if rnd.random() < 0.3 else 0
            forward = rnd.randint(0, min(1, new + carried))
            t["new"][col], t["carried"][col], t["forward"][col] = new, carried, forward
            for _ in range(new + carried - forward):
                row = rnd.choice(likely) if rnd.random() < 0.85 else rnd.choice(RESULT_ROWS)
                t[row][col] += 1
            t["results_total"][col] = sum(t[r][col] for r in RESULT_ROWS)
    for row in t.values():
        row["total"] = sum(row[c] for c in CATEGORIES)
    return t


def _table2(rnd: random.Random) -> dict[str, dict[str, float]]:
    issued = rnd.randint(0, 4)
    abolished = rnd.randint(0, 2)
    fees = rnd.choice([0, 0, 0, round(rnd.uniform(0.1, 30), 2)])
    return {
        "rules": {"issued": 0, "abolished": 0, "in_force": 0},
        "normative": {"issued": issued, "abolished": abolished, "in_force": issued + rnd.randint(abolished, 25)},
        "license": {"decisions": rnd.choice([0, rnd.randint(1, 400)])},
        "penalty": {"decisions": rnd.choice([0, rnd.randint(1, 60)])},
        "coercion": {"decisions": rnd.choice([0, 0, rnd.randint(1, 5)])},
        "fees": {"amount": fees},
    }


def _table4(rnd: random.Random) -> dict[str, int]:
    t: dict[str, int] = {}
    for g, _ in T4_GROUPS:
        parts = [rnd.choice([0, 0, 0, 1]) for _ in range(4)]
        for (o, _), v in zip(T4_OUTCOMES, parts):
            t[f"{g}_{o}"] = v
        t[f"{g}_total"] = sum(parts)
    return t


# Phrase banks: each paragraph slot picks one wording by seed, so two seeds (another agency,
# another year) do not read as copies of each other. {y} year, {n} next year, {a} agency.
_OPENING = (  # every variant names the agency as “{a}坚持…”: tests quote that passage
    "{y}年，{a}坚持以习近平新时代中国特色社会主义思想为指导，认真贯彻落实《中华人民共和国政府信息公开条例》，"
    "不断完善政府信息公开工作机制，推动政务公开工作规范化、标准化。",
    "{y}年，{a}坚持在上级政务公开主管部门的指导下紧扣全年中心工作，把政务公开作为转变作风、服务群众的重要抓手，"
    "公开内容更加丰富，回应关切更加及时。",
    "{y}年，{a}坚持深入推进决策、执行、管理、服务、结果公开，围绕群众关心的热点领域加大发布力度，"
    "以公开促落实、以公开促规范、以公开促服务。",
    "{y}年，{a}坚持对照年度政务公开工作要点逐项梳理任务清单，明确责任科室和完成时限，"
    "政府信息公开工作总体平稳有序。",
)
_PROACTIVE = (
    "（一）主动公开。本年度主动公开政府信息{total}条，其中机构职能信息{p0}条、政策文件及解读{p1}条、工作动态{p2}条。",
    "（一）主动公开政府信息情况。全年通过门户网站主动公开政府信息{total}条，其中机构职能信息{p0}条、"
    "政策文件及解读{p1}条、工作动态{p2}条，各类信息均在规定时限内发布。",
    "（一）主动公开。坚持“公开为常态、不公开为例外”，本年度主动公开政府信息{total}条，其中机构职能信息{p0}条、"
    "政策文件及解读{p1}条、工作动态{p2}条。",
    # the same item goes out on several channels: the channels sum above the total (docs/real-reports.md §A)
    "（一）主动公开。本年度主动公开政府信息{total}条，其中门户网站发布{total}条、微信公众号同步推送{p2}条。",
)
_MANAGEMENT = (
    "（三）政府信息管理。严格落实信息发布审核制度，坚持“先审后发”，确保公开内容准确规范。",
    "（三）政府信息管理。开展公开属性源头认定，公文拟制时同步明确公开方式，对存量规范性文件逐件清理并标注效力状态。",
    "（三）政府信息管理。执行“一事一审、三级把关”的保密审查流程，涉及个人隐私的内容一律脱敏处理后再发布。",
    "（三）政府信息管理。按季度对已公开信息开展自查，发现链接失效、内容过期等问题当即整改。",
)
_PLATFORM = (
    "（四）平台建设。依托政府门户网站和政务新媒体，及时发布各类政府信息，方便公众查询。",
    "（四）政府信息公开平台建设。优化门户网站信息公开专栏目录，新增“政策解读”“回应关切”子栏目，提升检索便利度。",
    "（四）平台建设。推动微信公众号与门户网站内容同步更新，在政务服务大厅设置政府信息查阅点，方便群众就近查阅。",
    "（四）平台建设。完成网站适老化和无障碍改造，对专栏页面进行集约化整合，减少重复栏目。",
)
_OVERSIGHT = (
    "（五）监督保障。明确专人负责政务公开工作，将政务公开纳入年度目标考核。",
    "（五）监督保障。调整政务公开工作领导小组成员，组织业务培训两次，邀请群众代表对公开工作进行评议。",
    "（五）监督保障。把政务公开纳入科室绩效考核，建立问题台账，对社会评议中反映的问题逐项销号。",
    "（五）监督保障。主动接受社会监督，在网站公布监督电话和电子邮箱，全年未发生因公开工作引发的责任追究情况。",
    "（五）监督保障。{p}年以来，{a}建立政务公开工作月报制度，{y}年1月按时发布{p}年度政府信息公开工作年度报告。",
)
_PROBLEMS = (
    "{y}年，{a}政府信息公开工作取得了一定成效，但仍存在一些不足：政策解读形式较为单一，图解、视频等解读方式运用不多；"
    "部分栏目信息更新不够及时。",
    "对照要求，{a}{y}年工作仍有差距：一是依申请公开答复文书格式不够统一；二是工作人员业务能力有待提升。",
    "{y}年工作中也发现一些问题：部分科室对公开属性认定把握不准，个别信息发布后才发现需要撤回修改。",
    "存在的主要问题是：基层公开事项标准目录更新滞后，与实际办事流程不完全一致；群众留言回应还不够快。",
    "针对{p}年度报告提出的栏目更新不及时问题，{y}年已建立更新台账并整改到位；但仍存在政策解读形式单一的问题。",
)
_PLANS = (
    "{n}年，我们将丰富政策解读形式，增加图文、视频解读，并建立栏目更新台账，每月检查一次信息更新情况，确保信息发布及时准确。",
    "{n}年，我们将制定依申请公开答复文书模板，组织全员培训，并邀请法律顾问对答复文书逐件把关。",
    "下一步，{a}将于{n}年上半年修订公开属性认定办法，编制认定指引，实行发布前法制审核。",
    "{n}年，我们将对照实际流程全面更新公开事项标准目录，并把留言办理时限压缩到五个工作日以内。",
)
_FEES = ("本年度未收取信息处理费。", "依照《政府信息公开信息处理费管理办法》，本年度未发生收取信息处理费的情况。")
_TASKS = (
    "{y}年度政务公开工作要点已按要求全部落实。",
    "本机关已按照上级年度政务公开工作要点的要求逐项落实各项任务，并在网站公开落实情况。",
    "本年度无其他需要报告的事项。",
)


def _applications(rnd: random.Random, t3: dict[str, dict[str, int]], vary: bool) -> str:
    """The applications paragraph; with ``vary``, in one of the wordings real reports use for the same
    numbers (docs/real-reports.md §A: 受理 with the carried-over ones, 办理 with those carried forward …)."""
    n = {k: t3[k]["total"] for k in ("new", "carried", "results_total", "forward", "disclosed", "partial")}
    withheld = sum(t3[k]["total"] for k in t3 if k.startswith("withheld_"))
    unavailable = sum(t3[k]["total"] for k in t3 if k.startswith("unavailable_"))
    received, handled = n["new"] + n["carried"], n["results_total"] + n["forward"]
    bank = (
        f"本年度共收到政府信息公开申请{n['new']}件，上年结转{n['carried']}件，办结{n['results_total']}件，"
        f"其中予以公开{n['disclosed']}件，结转下年度继续办理{n['forward']}件。",
        f"本年度共受理政府信息公开申请{received}件（含上年结转{n['carried']}件），已办结{n['results_total']}件，"
        f"结转下年度继续办理{n['forward']}件。",
        f"全年共收到政府信息公开申请{received}件，其中本年新收{n['new']}件、上年结转{n['carried']}件；"
        f"予以公开及部分公开{n['disclosed'] + n['partial']}件，不予公开和无法提供{withheld + unavailable}件。",
        f"本年度共办理政府信息公开申请{handled}件，其中结转下年度继续办理{n['forward']}件。"
        f"新收申请{n['new']}件，公开（含部分公开）{n['disclosed'] + n['partial']}件。",
        f"本年度新收政府信息公开申请{n['new']}件，共答复{n['results_total']}件（含上年度转结{n['carried']}件），"
        f"结转下年度{n['forward']}件。",
    )
    return rnd.choice(bank) if vary else bank[0]


def _prose(rnd: random.Random, spec: ReportSpec, vary: bool = True) -> dict[str, list[str]]:
    """Narrative sections that agree with the tables; with ``vary`` the wording follows ``rnd``,
    else every paragraph takes its bank's first (standard) wording."""
    t3 = spec.table3
    words = {"y": spec.year, "n": spec.year + 1, "p": spec.year - 1, "a": spec.agency}
    parts = [rnd.randint(5, 40), rnd.randint(1, 12), rnd.randint(20, 300)]
    new, done = t3["new"]["total"], t3["results_total"]["total"]
    applications = _applications(rnd, t3, vary) if new or done else "本年度未收到政府信息公开申请，无上年结转申请。"

    def pick(bank: tuple[str, ...], **extra) -> str:
        return (rnd.choice(bank) if vary else bank[0]).format(**words, **extra)

    return {
        "一": [
            pick(_OPENING),
            pick(_PROACTIVE, total=sum(parts), p0=parts[0], p1=parts[1], p2=parts[2]),
            f"（二）依申请公开。{applications}",
            pick(_MANAGEMENT),
            pick(_PLATFORM),
            pick(_OVERSIGHT),
        ],
        "二": [],
        "三": [],
        "四": [],
        "五": [pick(_PROBLEMS), pick(_PLANS)],
        "六": [pick(_FEES), pick(_TASKS)],
    }


# --- layout: one merged-cell description shared by all renderers --------------------------------

@dataclass
class _Cell:
    text: str
    rowspan: int = 1
    colspan: int = 1


def _t2_layout(spec: ReportSpec) -> list[list[_Cell]]:
    rows: list[list[_Cell]] = []
    for head, labels, cols, items in spec.t2_parts:
        rows.append([_Cell(head, colspan=4)])
        # the three number columns: the last value column spans those left over
        spans = [1] * (len(labels) - 1) + [4 - len(labels)]
        rows.append([_Cell("信息内容")] + [_Cell(lb, colspan=n) for lb, n in zip(labels, spans)])
        for key, label in items:
            rows.append([_Cell(label)] + [_Cell(fmt(spec.table2[key][c]), colspan=n) for c, n in zip(cols, spans)])
    return rows


def _t3_layout(spec: ReportSpec) -> list[list[_Cell]]:
    rows = [
        [_Cell(T3_NOTE, rowspan=3, colspan=3), _Cell("申请人情况", colspan=7)],
        [_Cell("自然人", rowspan=2), _Cell("法人或其他组织", colspan=5), _Cell("总计", rowspan=2)],
        [_Cell(label) for _, label in T3_COLUMNS[1:-1]],
    ]
    results = sum(1 for _, top, *_ in spec.t3_rows if top == _RESULTS)
    group_sizes: dict[str, int] = {}
    for _, _, group, item in spec.t3_rows:
        if item:
            group_sizes[group] = group_sizes.get(group, 0) + 1
    seen_top, seen_group = set(), set()
    for key, top, group, item in spec.t3_rows:
        row: list[_Cell] = []
        if group is None:
            row.append(_Cell(top, colspan=3))
        else:
            if top not in seen_top:
                row.append(_Cell(top, rowspan=results))
                seen_top.add(top)
            if item is None:
                row.append(_Cell(group, colspan=2))
            else:
                if group not in seen_group:
                    row.append(_Cell(group, rowspan=group_sizes[group]))
                    seen_group.add(group)
                row.append(_Cell(item))
        row.extend(_Cell(fmt(spec.table3[key][c])) for c, _ in T3_COLUMNS)
        rows.append(row)
    return rows


def _t4_layout(spec: ReportSpec) -> list[list[_Cell]]:
    return [
        [_Cell("行政复议", colspan=5), _Cell("行政诉讼", colspan=10)],
        [*(_Cell(label, rowspan=2) for _, label in T4_OUTCOMES),
         _Cell(T4_GROUPS[1][1], colspan=5), _Cell(T4_GROUPS[2][1], colspan=5)],
        [_Cell(label) for _ in range(2) for _, label in T4_OUTCOMES],
        [_Cell(fmt(spec.table4[c])) for c in T4_COLUMNS],
    ]


def _body(spec: ReportSpec):
    """The report in reading order: ("title"|"p"|"h", text) or ("table", layout)."""
    tables = {"二": _t2_layout(spec), "三": _t3_layout(spec), "四": _t4_layout(spec)}
    yield "title", spec.title
    for p in spec.intro:
        yield "p", p.replace("{period}", spec.period_sentence)
    for key in SECTION_HEADINGS:
        yield "h", spec.headings.get(key, SECTION_HEADINGS[key])
        if key in tables:
            yield "table", tables[key]
        for p in spec.sections.get(key, []):
            yield "p", p


def _positions(layout: list[list[_Cell]]):
    """Per row, the Word cells (tc) left to right: (cell, col, is_continuation).

    A vertically merged cell has a tc in every row it covers; the rows below its
    first hold empty continuation tcs — this is what Word's text export prints.
    """
    covered: dict[tuple[int, int], _Cell] = {}
    out = []
    for r, row in enumerate(layout):
        tcs, c, it = [], 0, iter(row)
        pending = next(it, None)
        while pending is not None or (r, c) in covered:
            if (r, c) in covered:
                cell = covered[(r, c)]
                tcs.append((cell, c, True))
                c += cell.colspan
                continue
            for dr in range(1, pending.rowspan):
                covered[(r + dr, c)] = pending
            tcs.append((pending, c, False))
            c += pending.colspan
            pending = next(it, None)
        out.append(tcs)
    return out


# --- renderers ------------------------------------------------------------------------------------

def to_txt_flattened(spec: ReportSpec, encoding: str = "utf-8") -> bytes:
    """The Word→text converter layout of the wuhai sample: a tab starts each cell, a blank line
    ends each row, merged-over cells print as empty tab cells, blank lines close a table."""
    lines: list[str] = []
    for kind, item in _body(spec):
        if kind == "table":
            for tcs in _positions(item):
                lines.extend("\t" + ("" if cont else cell.text) for cell, _, cont in tcs)
                lines.append("")
            lines.extend(["", "", ""])
        else:
            lines.append(item)
            if kind == "title":
                lines.append("")
    return "\n".join(lines).encode(encoding) + b"\n"


def to_md(spec: ReportSpec) -> bytes:
    """Markdown with pipe tables; merged cells print once, at their top-left position."""
    out: list[str] = []
    for kind, item in _body(spec):
        if kind == "title":
            out.append(item)  # as converters print a centred title: a plain line
        elif kind == "h":
            out.append(f"# {item}")
        elif kind == "p":
            out.append(item)
        else:
            grid = _grid(item)
            width = max(len(r) for r in grid)
            rows = ["| " + " | ".join(r + [""] * (width - len(r))) + " |" for r in grid]
            out.append("\n".join([rows[0], "|" + "---|" * width, *rows[1:]]))
        out.append("")
    return "\n".join(out).encode("utf-8")


def _grid(layout: list[list[_Cell]]) -> list[list[str]]:
    grid: dict[tuple[int, int], str] = {}
    for r, tcs in enumerate(_positions(layout)):
        for cell, c, cont in tcs:
            for dc in range(cell.colspan):
                grid[(r, c + dc)] = "" if cont or dc else cell.text
    nrows = len(layout)
    ncols = max(c for _, c in grid) + 1
    return [[grid.get((r, c), "") for c in range(ncols)] for r in range(nrows)]


def to_html(spec: ReportSpec, encoding: str = "utf-8") -> bytes:
    """A government CMS article page: menus and footer around a ``div#zoom`` article,
    Word-pasted paragraphs, tables with rowspan/colspan. ``encoding="gbk"`` declares it by meta."""
    esc = _html.escape
    body: list[str] = []
    for kind, item in _body(spec):
        if kind == "title":
            continue  # the CMS prints the title above the article, outside div#zoom
        if kind == "h":
            body.append(f'<p style="text-indent:2em"><strong><span style="font-family:黑体">{esc(item)}</span></strong></p>')
        elif kind == "p":
            body.append(f'<p style="text-indent:2em;line-height:2"><span style="font-family:仿宋_GB2312">{esc(item)}</span></p>')
        else:
            trs = []
            for row in item:
                tds = "".join(
                    "<td" + (f' rowspan="{c.rowspan}"' if c.rowspan > 1 else "")
                    + (f' colspan="{c.colspan}"' if c.colspan > 1 else "") + f"><p>{esc(c.text)}</p></td>"
                    for c in row)
                trs.append(f"<tr>{tds}</tr>")
            body.append('<table border="1" cellspacing="0" style="border-collapse:collapse">'
                        + "\n".join(trs) + "</table>")
    charset = "gbk" if encoding.lower() in ("gbk", "gb2312", "gb18030") else encoding
    page = f"""<!DOCTYPE html>
<html><head><meta http-equiv="Content-Type" content="text/html; charset={charset}">
<title>{esc(spec.title)}_{esc(spec.agency)}</title>
<script>var _hmt = _hmt || [];</script><style>.nav li{{float:left}}</style></head>
<body>
<div class="header"><div class="logo">{esc(spec.agency)}门户网站</div>
<div class="nav"><ul><li><a href="/">首页</a></li><li><a href="/zwgk/">政务公开</a></li>
<li><a href="/bsfw/">办事服务</a></li><li><a href="/hdjl/">互动交流</a></li></ul></div></div>
<div class="position">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk/">政府信息公开</a> &gt; 政府信息公开年报</div>
<div class="article">
<table class="xxgk-meta"><tr><td>索引号：</td><td>11150300MB1234567X/{spec.year + 1}-00001</td>
<td>发布机构：</td><td>{esc(spec.agency)}</td></tr><tr><td>发布日期：</td><td>{spec.year + 1}-01-20</td>
<td>主题分类：</td><td>政府信息公开年报</td></tr></table>
<h1 class="title">{esc(spec.title)}</h1>
<div class="info">发布时间：{spec.year + 1}-01-20 来源：{esc(spec.agency)} 【字体：大 中 小】</div>
<div id="zoom" class="TRS_Editor">
{chr(10).join(body)}
</div>
<div class="share">分享到：微信 微博</div></div>
<div class="footer"><p>主办单位：{esc(spec.agency)} 网站标识码：1503000001</p>
<p>ICP备案号：蒙ICP备12345678号 公网安备 15030202000001号</p></div>
<script>document.write("");</script>
</body></html>
"""
    try:
        return page.encode(encoding)
    except UnicodeEncodeError:
        return page.encode("gb18030")


def to_docx(spec: ReportSpec) -> bytes:
    """A Word document as drafted from the official template: real tables, merged cells."""
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    d = docx.Document()
    for kind, item in _body(spec):
        if kind == "title":
            p = d.add_paragraph()
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            p.add_run(item).bold = True
        elif kind == "h":
            d.add_paragraph(item, style="Heading 1")
        elif kind == "p":
            d.add_paragraph(item)
        else:
            _docx_table(d, item)
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def _docx_table(d, layout: list[list[_Cell]]) -> None:
    positions = _positions(layout)
    ncols = max(c + cell.colspan for tcs in positions for cell, c, _ in tcs)
    table = d.add_table(rows=len(layout), cols=ncols)
    table.style = "Table Grid"
    # cell objects of the fresh, unmerged grid, taken once (table.cell() rescans the grid each call)
    cells = [list(row.cells) for row in table.rows]
    for r, tcs in enumerate(positions):
        for cell, c, cont in tcs:
            if cont:
                continue
            target = cells[r][c]
            if cell.rowspan > 1 or cell.colspan > 1:
                target = target.merge(cells[r + cell.rowspan - 1][c + cell.colspan - 1])
            target.text = cell.text


def to_crawled(spec: ReportSpec) -> bytes:
    """A crawler's text of the article page (the layout of pingtan-2021.txt): metadata lines, then
    the whole body on one line — headings run into the text, table cells run together with no
    separator (“…申请数量640020470二、上年结转…”, “政府集中采购13575394432.52”)."""
    body: list[str] = [f"当前位置： 首页政务公开政府信息公开政府信息公开年报 {spec.title} 来源：{spec.agency} "
                       f"时间：{spec.year + 1}-01-20 10:00 微信 微博 QQ空间 全真版 文字版 文件下载 相关链接： --> "]
    for kind, item in _body(spec):
        if kind == "title":
            continue
        if kind == "table":
            body.append(" " + "".join(cell.text for cell, _, cont in
                                      (t for tcs in _positions(item) for t in tcs) if not cont) + " ")
        else:
            body.append(item)
    head = [f"标题: {spec.title}", f"发布时间: {spec.year + 1}-01-20 10:00", "文号: ", "发布机构: ",
            "栏目: 政府信息公开年报", "原文链接: https://www.example.gov.cn/zwgk/zfxxgknb/t0001.htm",
            f"本地目录: zwgk/zfxxgknb/0001_{spec.title}", "页面链接与图片详见 links.tsv(同目录)",
            "==================== 正文 ===================="]
    return ("\n".join(head + ["".join(body) + " 附件下载"]) + "\n").encode("utf-8")


RENDERERS = {"txt": to_txt_flattened, "docx": to_docx, "html": to_html, "md": to_md}


def render_all(spec: ReportSpec) -> dict[str, bytes]:
    """``{"txt": …, "docx": …, "html": …, "md": …}`` — the same report in every input format."""
    return {ext: render(spec) for ext, render in RENDERERS.items()}
