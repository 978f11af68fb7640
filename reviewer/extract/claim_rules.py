"""The phrasings prose claims are recognised by: one row per (metric, words before, words after).

``RULES`` are tried in order (specific before general) on the clause around each
number; ``ZERO_RULES`` catch zero stated in words. To teach the extractor a new
phrasing, add a row here; ``reviewer/extract/claims.py`` does the scanning.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from reviewer.formats.common import APPEAL_NOUNS, COUNT_UNITS, MONEY_UNITS, VERBS  # the format's vocabulary


# ---------------------------------------------------------------- patterns --
# Optional words between a measure and its number: “申请数量为”, “共计”, “达到”.
TAIL = r"(?:数量|总数|总量|件数|数)?(?:共计|共|合计|总计|累计|计)?(?:为|达到|达|是|有)?(?:了)?"
# “政府信息公开申请”, “依申请公开申请”, “申请”
APPLICATION = r"(?:政府信息公开|依申请公开|信息公开)?(?:的)?申请"
FILL = r"[^\d]{0,14}?"  # a short stretch of words, never another number
OUTCOME_TAIL = rf"(?:答复)?(?:的)?(?:申请)?{TAIL}$"
ISSUE_VERBS = ("制发", "印发", "出台", "制定", "发布", "新增")
DISCLOSURE_WORDS = ("信息公开", "依申请", "政务公开")
APPLY_DENY = APPEAL_NOUNS  # the nouns of the format's “cases” subject: never an application count


@dataclass(frozen=True)
class Rule:
    """A phrasing of one metric around a number (see module docstring)."""

    metric: str
    before: re.Pattern[str] | None = None  # searched in the clause before the number; anchor with $
    after: re.Pattern[str] | None = None  # matched at the start of the clause after the unit
    units: frozenset[str] = COUNT_UNITS
    keys: tuple[str, ...] = ()  # prefilter: one must occur in the clause (every rule has some)
    deny: tuple[str, ...] = ()  # none may occur in the clause
    context: tuple[str, ...] = ()  # one must occur in this sentence (and the one before, when wide) …
    context_sections: tuple[str, ...] = ()  # … unless the number is in one of these sections
    context_deny: tuple[str, ...] = ()  # none may occur in this sentence
    wide: bool = False  # a sentence that refers back takes its context from the previous one
    total: bool = False  # a total: never read from a “其中…” clause
    # the verb decides what is counted: the first word found in the clause before the number picks the metric
    # (“新收” → apply.new, “受理” → apply.received, whose readings the format declares)
    metric_words: tuple[tuple[str, str], ...] = ()

    def metric_for(self, before: str) -> str:
        for word, metric in self.metric_words:
            if word in before:
                return metric
        return self.metric


def _rule(metric: str, before: str | None = None, after: str | None = None, **kw) -> Rule:
    return Rule(metric, re.compile(before) if before else None, re.compile(after) if after else None, **kw)


def _outcome(metric: str, words: str) -> list[Rule]:
    """予以公开 9 件 / 9 件予以公开, with the usual 答复/申请 filler."""
    keys = tuple(w for w in re.findall(r"[\u4e00-\u9fff]+", words) if len(w) > 1)
    return [
        _rule(metric, rf"(?:{words}){OUTCOME_TAIL}", keys=keys, deny=APPLY_DENY),
        _rule(metric, r"(?:申请)?$", rf"^(?:申请)?(?:{words})", keys=keys, deny=APPLY_DENY),
    ]


_OUTCOME_WORDS = (
    ("apply.disclosed", r"(?:(?<!不)予以公开|同意公开|全部公开|(?<![不予分])公开)"),
    ("apply.partial", r"(?:予以)?部分公开"),
    ("apply.withheld", r"不予(?:以)?公开"),
    ("apply.unavailable", r"无法提供"),
    ("apply.not_processed", r"不予处理"),
    ("apply.other", r"其他处理"),
)
_AND_WORDS = r"(?:及|和|与|、|以及|或)"


def _combined_outcomes() -> list[Rule]:
    """Two results stated as one number (“予以公开及部分公开42件”, “公开（含部分公开）9件”): their sum."""
    rules = []
    for a, words_a in _OUTCOME_WORDS:
        for b, words_b in _OUTCOME_WORDS:
            if a == b:
                continue
            keys = tuple(w for w in re.findall(r"[\u4e00-\u9fff]+", words_b) if len(w) > 1)
            rules.append(_rule(f"{a}+{b}", rf"(?:{words_a})(?:{_AND_WORDS}|[（(](?:含|包括))(?:{words_b})[）)]?{OUTCOME_TAIL}",
                               keys=keys, deny=APPLY_DENY))
    return rules


_DECISION_WORDS = (("license.decisions", "行政许可"), ("penalty.decisions", "行政处罚"),
                   ("coercion.decisions", "行政强制(?:措施)?"))


def _combined_decisions() -> list[Rule]:
    """“行政处罚和行政强制决定644条”: the decisions of two kinds together."""
    rules = []
    for a, words_a in _DECISION_WORDS:
        for b, words_b in _DECISION_WORDS:
            if a != b:
                rules.append(_rule(f"{a}+{b}", rf"{words_a}(?:处理)?(?:决定)?(?:{_AND_WORDS}){words_b}(?:处理决定|决定书?)?{TAIL}$",
                                   keys=(words_b[:4],), deny=("公示率", "事项", "案件")))
    return rules


def _documents(kind: str, noun: str, key: str) -> list[Rule]:
    """规章 / 行政规范性文件: issued, abolished, in force."""
    abolish = r"(?:废止|宣布失效|失效)"
    return [
        _rule(f"{kind}.in_force", rf"(?:现行有效|有效)(?:的)?{noun}{TAIL}$", keys=("有效",)),
        _rule(f"{kind}.in_force", rf"{noun}(?:现行有效|有效)(?:件数)?{TAIL}$", keys=("有效",)),
        _rule(f"{kind}.abolished", rf"{abolish}(?:了)?[^\d]{{0,8}}?{noun}{TAIL}$", keys=("废止", "失效")),
        _rule(f"{kind}.abolished", rf"{noun}(?:废止|失效)(?:件数)?{TAIL}$", keys=("废止", "失效")),
        _rule(f"{kind}.issued", rf"(?:{'|'.join(ISSUE_VERBS)})(?:了)?[^\d]{{0,10}}?{noun}{TAIL}$",
              keys=ISSUE_VERBS, deny=("废止", "失效", "有效", "清理", "备案", "审查", "审核", "征求", "解读")),
        # bare “行政规范性文件 13 件” in a sentence about what was issued (当年发布…其中包括：…)
        _rule(f"{kind}.issued", rf"^(?:其中)?(?:包括)?(?:制发)?{noun}{TAIL}$", keys=(key,), context=ISSUE_VERBS,
              context_deny=("废止", "失效", "有效", "清理", "备案", "审查", "审核", "征求", "解读")),
    ]


def _decisions(metric: str, noun: str, key: str) -> Rule:
    return _rule(metric, rf"{noun}(?:处理决定|决定书?)?{TAIL}$", keys=(key,),
                 deny=("公示率", "事项", "案件", "信息"))


def _appeal(metric: str, noun: str, deny: tuple[str, ...]) -> list[Rule]:
    """行政复议 / 行政诉讼 counts about disclosure (not an agency's own appeal work).

    Table 四 counts every case of the year, carried-over and pending ones included, so newly
    arisen cases (“新发生行政复议1件”) are at most its 总计 (the ``.new`` metric)."""
    new = metric.replace(".total", ".new")
    common = dict(keys=(noun,), deny=(*deny, "被告", "复议机关"), context=DISCLOSURE_WORDS, context_sections=("四",),
                  wide=True, total=True, metric_words=(("新", new), ("发生", new), ("引发", new), ("引起", new)))
    return [
        _rule(metric, rf"{noun}(?:案件|申请)?{TAIL}$", **common),
        _rule(metric, r"(?:有|发生|收到|共|共有|涉及|产生|提起|被提起|引起|引发|办理)?$",
              rf"^[^\d，。；、]{{0,20}}?{noun}(?:案件|申请)?(?!机关|法)", **common),
    ]


# what a verb counts (新收 → apply.new, 受理 → apply.received …): declared with the format's vocabulary
_RECEIVED = VERBS["received"]
_HANDLED = VERBS["handled"]

RULES: tuple[Rule, ...] = (
    # 上年结转 / 结转下年度 first: their clauses also say 申请 and 办理.
    _rule("apply.carried", rf"上一?年度?结转(?:的|过来的|来的)?(?:{APPLICATION})?{TAIL}$", keys=("结转",),
          deny=APPLY_DENY),
    _rule("apply.carried", None, rf"^(?:{APPLICATION})?(?:为|系)?(?:上一?年度?|去年)结转", keys=("结转",),
          deny=APPLY_DENY),
    _rule("apply.forward", rf"(?:结转|转)(?:至|到|入)?下一?(?:个)?年度?(?:继续)?(?:办理|处理)?(?:答复)?(?:的)?"
                           rf"(?:申请)?{TAIL}$", keys=("转",), deny=APPLY_DENY),
    _rule("apply.forward", rf"尚未办结(?:的)?(?:申请)?{TAIL}$", keys=("尚未办结",), deny=APPLY_DENY),
    _rule("apply.forward", None, r"^(?:申请)?(?:需|将|已)?(?:结转|转)(?:至|到|入)?下一?(?:个)?年度?",
          keys=("转",), deny=APPLY_DENY),
    *_combined_outcomes(),
    *_outcome("apply.disclosed", r"(?<!不)(?:予以公开|同意公开|全部公开)"),
    _rule("apply.disclosed", rf"依法?申请公开(?:政府)?信息{TAIL}$", keys=("申请公开",),
          deny=("收到", "受理", "接收", "接到", "新收", "办理", "办结", "答复", *APPLY_DENY)),
    *_outcome("apply.partial", r"(?:予以)?部分公开"),
    *_outcome("apply.withheld", r"不予(?:以)?公开"),
    *_outcome("apply.unavailable", r"无法提供"),
    *_outcome("apply.not_processed", r"不予处理"),
    *_outcome("apply.other", r"其他处理"),
    _rule("apply.new", rf"(?:新收|收到|受理|接收|接到|收悉)(?:了)?{FILL}(?:申请|依申请(?:信息)?公开(?:事项)?){TAIL}$",
          keys=("收", "受理", "接到"), deny=("结转", "办结", "答复", "予以", "不予", "部分公开", "无法提供",
                                             "其他处理", "办理", *APPLY_DENY), total=True, metric_words=_RECEIVED),
    _rule("apply.new", rf"(?:新收|收到|受理|接收|接到)(?:了)?(?:各类)?{TAIL}$",
          rf"^(?:各类)?{APPLICATION}(?!人)", keys=("收", "受理", "接到"), deny=APPLY_DENY, total=True,
          metric_words=_RECEIVED),
    _rule("apply.handled", rf"(?:(?<!不予)(?<!其他)处理(?:完毕|完成)?|办结|办理(?:完毕|完成)?|答复)(?:了)?{FILL}"
                           rf"(?:申请|依申请公开(?:事项)?){TAIL}$",
          keys=("处理", "办结", "办理", "答复"),
          deny=("结转", "转下", "予以", "不予", "部分", "无法", "其他处理", "同意", "收到", "受理", "新收",
                "接收", *APPLY_DENY), total=True, metric_words=_HANDLED),
    _rule("apply.answered", rf"办结(?:了)?{TAIL}$",
          keys=("办结",), context=("申请",), deny=APPLY_DENY, total=True),
    _rule("apply.handled", rf"(?:办结|办理|答复)(?:了)?{TAIL}$", rf"^{APPLICATION}(?!人)",
          keys=("办结", "办理", "答复"), deny=APPLY_DENY, total=True, metric_words=_HANDLED),
    _rule("proactive.total", rf"主动公开(?!目录|指南|基本目录|事项)[^\d]{{0,12}}?信息{TAIL}$", keys=("主动公开",),
          deny=("申请", "解读", "规范性文件", "规章"), total=True),
    _rule("proactive.total", rf"主动(?:在|通过|于)[^\d]{{0,12}}?公开[^\d]{{0,8}}?信息{TAIL}$", keys=("主动",),
          deny=("申请", "解读", "规范性文件", "规章"), total=True),
    _rule("proactive.total", r"主动公开(?:了)?(?:共计|共|累计)?$", r"^(?:各类|各项)?(?:政府)?信息",
          keys=("主动公开",), deny=("申请", "解读", "规范性文件", "规章"), total=True),
    # “在主动公开的80条中，政策文件12条、…”: the whole of a category breakdown
    _rule("proactive.total", r"(?:在|于)主动公开(?:的)?(?:各类)?(?:政府)?(?:信息)?$", r"^(?:政府)?(?:信息)?中$",
          keys=("主动公开",), deny=("申请", "解读", "规范性文件", "规章"), total=True),
    _rule("proactive.total", rf"(?:全年|本年度?|今年|累计|共计?|合计|总计)公开(?:各类)?政府信息{TAIL}$",
          keys=("公开政府信息",), deny=("申请", "通过"), total=True),
    # not “行政公文和政策解读信息9条”: a count of two things together
    _rule("interpretation.total", rf"解读(?:类)?(?:信息|稿件|文章|材料|文件|产品)?{TAIL}$", keys=("解读",),
          deny=("率", "和", "以及", "与", "及解读", "及政策解读")),
    _rule("interpretation.total", rf"解读(?:了)?(?:重要)?(?:政策|文件)(?:文件)?{TAIL}$", keys=("解读",)),
    _rule("interpretation.total", None, r"^(?:政策|文件|政策文件)?解读(?:稿件|文章|信息|材料)?(?!率)",
          keys=("解读",)),
    _rule("interpretation.total", r"对$", r"^[^\d，。；]{0,40}?进行(?:了)?(?:政策)?解读(?!率)", keys=("解读",)),
    *_documents("normative", r"(?:行政)?规范性文件", "规范性文件"),
    *_documents("rules", r"(?<!内部)(?<!管理)(?:政府|部门)?规章", "规章"),
    *_combined_decisions(),
    _decisions("license.decisions", "行政许可", "行政许可"),
    _decisions("penalty.decisions", "行政处罚", "行政处罚"),
    _decisions("coercion.decisions", "行政强制(?:措施)?", "行政强制"),
    *_appeal("review.total", "行政复议", ("纠正", "纠错", "维持", "审结", "结果", "撤销", "确认违法", "诉讼")),
    *_appeal("litigation.total", "行政诉讼", ("纠正", "纠错", "维持", "审结", "结果", "撤销", "确认违法")),
    _rule("fee.charged", rf"(?:信息)?处理费(?:收入|金额|费用)?{TAIL}$", units=MONEY_UNITS, keys=("处理费",)),
    _rule("fees.amount", rf"行政事业性收费(?:金额)?{TAIL}$", units=MONEY_UNITS, keys=("行政事业性收费",)),
)

assert all(r.keys for r in RULES), "every rule needs key words (the prefilter)"
# key word → indexes of the rules it can trigger, so a number is tried only against plausible rules
_KEY_INDEX: tuple[tuple[str, tuple[int, ...]], ...] = tuple(
    (key, tuple(i for i, r in enumerate(RULES) if key in r.keys)) for key in dict.fromkeys(k for r in RULES for k in r.keys))

_DISCLOSURE = r"(?:政府信息公开|依申请公开|信息公开)"


@dataclass(frozen=True)
class ZeroRule:
    """A phrase stating zero in words; ``z`` is the word that carries the zero."""

    metrics: tuple[str, ...]
    pattern: re.Pattern[str]
    keys: tuple[str, ...]  # the phrase is looked for only around these words
    hints: tuple[str, ...] = ("没有", "无", "未")  # one must be near the key word (a cheap prefilter)
    context: tuple[str, ...] = ()
    context_sections: tuple[str, ...] = ()


# “未发生因政府信息公开申请引起的…”, up to the measure
_NO_APPEAL = (rf"(?P<z>没有|无|未)(?:发生|出现|产生|收到|涉及|存在)?(?:过)?(?:因|涉及|关于|有关)?{_DISCLOSURE}?"
              r"(?:申请|工作)?(?:而)?(?:引起|引发|提起|相关)?(?:的)?")
_AND = "和|、|及|或|与|以及"
_APPEAL_CONTEXT = dict(context=DISCLOSURE_WORDS, context_sections=("四",))

ZERO_RULES: tuple[ZeroRule, ...] = (
    ZeroRule(("fee.charged",), re.compile(
        rf"(?P<z>没有|(?<!并)无|未|不存在)(?:发生|产生|出现|涉及|进行)?(?:收取|征收|收)?(?:任何)?{_DISCLOSURE}?(?:的)?"
        r"(?:信息处理费|收费事项|收费情况|收费行为)"), ("处理费", "收费")),
    ZeroRule(("fee.charged",), re.compile(r"信息处理费(?:收入|金额)?(?:均)?为(?P<z>零|0)(?![\d.元万])"), ("处理费",),
             ("为零", "为0")),
    ZeroRule(("apply.new",), re.compile(
        rf"(?P<z>没有|无|未)(?:收到|接到|受理|接收|新收|发生)(?:过)?(?:任何{_DISCLOSURE}?|{_DISCLOSURE})(?:的)?"
        r"(?:申请|事项)(?!人|表|书|材料|补正|答复|回复)"),
        tuple(z + v for z in ("没有", "无", "未") for v in ("收到", "接到", "受理", "接收", "新收", "发生"))),
    ZeroRule(("review.total", "litigation.total"), re.compile(
        rf"{_NO_APPEAL}(?:被申请)?行政复议(?:{_AND})(?:行政)?诉讼"), ("行政复议",), **_APPEAL_CONTEXT),
    ZeroRule(("review.total", "litigation.total"), re.compile(
        rf"行政复议(?:{_AND})(?:行政)?诉讼(?:案件)?(?:数量?)?均为(?P<z>零|0)(?![\d.])"),
        ("行政复议",), ("均为",), **_APPEAL_CONTEXT),
    ZeroRule(("review.total",), re.compile(rf"{_NO_APPEAL}(?:被申请)?行政复议(?!机关|法|决定|{_AND})"),
             ("行政复议",), **_APPEAL_CONTEXT),
    ZeroRule(("litigation.total",), re.compile(rf"{_NO_APPEAL}(?:被提起)?行政诉讼(?!法)"),
             ("行政诉讼",), **_APPEAL_CONTEXT),
)
