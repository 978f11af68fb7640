"""Title, agency, report year and the statistics period."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from reviewer.extract.textnorm import Compact

_CN_DIGITS = {c: str(i) for i, c in enumerate("〇一二三四五六七八九")} | {"零": "0", "○": "0", "Ｏ": "0"}
_YEAR = r"(\d{4}|[〇○零一二三四五六七八九]{4})"
_TITLE = re.compile(_YEAR + r"年(?:度)?(.{0,30}?)(?:政府信息公开|政务公开|信息公开)(?:工作)?(?:年度报告|报告|年报)")
_AGENCY_SUFFIX = re.compile(
    r"(委员会|管理委员会|管委会|人民政府|办公室|办公厅|局|厅|委|办|署|院|所|中心|部|会|处|站|队|馆|镇|乡|街道|办事处|区|县|市|州|盟|旗|政府)$")
_JUNK_PREFIX = re.compile(r"^(正文|标题|题目|当前位置|首页|来源|发布机构|单位|关于)+")
_SPLIT = re.compile(r"[：:。，,；;！!？?\]〕>|/\-_#*]")  # “# 标题”: a Markdown heading mark is not part of the name
# “统计期限…”, also “本报告所列数据时间范围为…”: the words that introduce the period
_LEAD = r"(?:统计|所列数据(?:的)?(?:时间|期限|期间|范围|区间)|数据(?:的)?(?:时间范围|期限|期间|时段))"
_PERIOD = re.compile(
    _LEAD + r"(?:期限|周期|时限|时间|区间|范围|期间|时段)?[^0-9]{0,8}?"
    r"(\d{4})年(\d{1,2})月(\d{1,2})日(?:起)?(?:至|到|-|~|～)(?:(\d{4})年)?(\d{1,2})月(\d{1,2})日")
_PERIOD_WORD = re.compile(r"统计(?:期限|周期|时限|区间|范围|期间|时段)")
# “统计期限为2023年度”, “2023年1月至12月”: a whole year named without days
_PERIOD_MONTHS = re.compile(_LEAD + r"(?:期限|周期|时限|时间|区间|范围|期间|时段)?[^0-9]{0,8}?"
                            r"(\d{4})年(\d{1,2})月(?:份)?(?:至|到|-|~|～)(?:(\d{4})年)?(\d{1,2})月(?!\d{1,2}日)")
_PERIOD_YEAR = re.compile(r"统计(?:期限|周期|时限|时间|区间|范围|期间|时段)[^0-9]{0,8}?(\d{4})年(?:度|全年)(?!\d)")


def cn_year(text: str) -> int:
    return int("".join(_CN_DIGITS.get(c, c) for c in text))


@dataclass
class Header:
    title: str | None = None
    title_span: tuple[int, int] | None = None
    agency: str | None = None
    year: int | None = None


def read_header(comp: Compact, head_chars: int = 1500) -> Header:
    m = _TITLE.search(comp.text, 0, head_chars)
    if not m:
        return Header()
    year = cn_year(m.group(1))
    mid = m.group(2).lstrip("度")
    agency = mid if mid and _AGENCY_SUFFIX.search(mid) else None
    start = m.start()
    if agency is None:
        before = comp.text[max(0, m.start() - 40):m.start()]
        piece = _JUNK_PREFIX.sub("", _SPLIT.split(before)[-1])
        name = piece.removesuffix("关于")
        if name and _AGENCY_SUFFIX.search(name):
            agency = name
            start = m.start() - len(piece)
    span = comp.span(start, m.end())
    title = comp.text[start:m.end()]
    return Header(title=title, title_span=span, agency=agency, year=year)


_SIGNATURE = re.compile(r"([\u4e00-\u9fff（）]{2,30}?)(?:\d{4}|[〇○零一二三四五六七八九]{4})年\d{1,2}月\d{1,2}日$")


def signature_agency(comp: Compact) -> str | None:
    """The agency that signs the report at its end (“沭阳县发展和改革局 2024年1月17日”)."""
    m = _SIGNATURE.search(comp.text[-120:].rstrip("。"))
    if not m:
        return None
    name = _SPLIT.split(m.group(1))[-1]
    name = re.sub(r"^.*[。！？]", "", name)
    return name if _AGENCY_SUFFIX.search(name) and len(name) >= 3 else None


@dataclass
class PeriodRead:
    start: date | None = None
    end: date | None = None
    span: tuple[int, int] | None = None
    text: str | None = None
    problem: str | None = None
    unreadable: bool = False  # a period is stated but its dates could not be read


def read_period(comp: Compact) -> PeriodRead:
    m = _PERIOD.search(comp.text)
    if m:
        y1, m1, d1, y2, m2, d2 = m.groups()
        return _period(comp, m, y1, m1, d1, y2 or y1, m2, d2)
    m = _PERIOD_MONTHS.search(comp.text)
    if m:
        y1, m1, y2, m2 = m.groups()
        y2 = y2 or y1
        last = _last_day(int(y2), int(m2)) if 1 <= int(m2) <= 12 else 31
        return _period(comp, m, y1, m1, "1", y2, m2, str(last))
    m = _PERIOD_YEAR.search(comp.text)
    if m:
        return _period(comp, m, m.group(1), "1", "1", m.group(1), "12", "31")
    w = _PERIOD_WORD.search(comp.text)
    if w:
        span = comp.span(w.start(), min(len(comp.text), w.end() + 30))
        return PeriodRead(span=span, text=comp.text[w.start():w.end() + 30], unreadable=True,
                          problem="写明了统计期限，但无法识别其起止日期")
    return PeriodRead()


def _last_day(year: int, month: int) -> int:
    import calendar

    return calendar.monthrange(year, month)[1]


def _period(comp: Compact, m: re.Match, y1, m1, d1, y2, m2, d2) -> PeriodRead:
    span = comp.span(m.start(1), m.end())
    text = comp.text[m.start(1):m.end()]
    try:
        start = date(int(y1), int(m1), int(d1))
        end = date(int(y2), int(m2), int(d2))
    except ValueError:
        return PeriodRead(span=span, text=text, problem="统计期限中的日期不存在")
    problem = None
    if start > end:
        problem = "统计期限的起始日期晚于截止日期"
    elif (start.month, start.day) != (1, 1) or (end.month, end.day) != (12, 31) or start.year != end.year:
        problem = "统计期限应为一个完整的自然年度（1月1日至12月31日）"
    return PeriodRead(start=start, end=end, span=span, text=text, problem=problem)
