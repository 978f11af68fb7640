"""修改意见通知单: the notice a 政务公开办 sends back with the annotated drafts (issue 16).

One .docx, one notice per unit (each starts on a new page, so each can be printed or sent on its
own): title, 主送 line, body, the numbered 修改意见 (location, problem, suggested fix — errors
under “必须修改”, warnings under “请核实”), the deadline for resubmission, 落款 and date.

Laid out as a 公文 (GB/T 9704-2012): A4, margins 37/35/28/26 mm, title in 二号方正小标宋简体,
body in 三号仿宋 on a fixed 28.95 pt line (22 lines a page), first-level headings 黑体, second-level
楷体, page numbers “— 1 —” in 四号宋体 at the foot. Fonts a machine lacks are substituted by Word,
WPS or LibreOffice; the layout holds.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from datetime import date

from reviewer.findings import Finding, Review

TITLE_FONT, BODY_FONT, HEADING_FONT, SUBHEADING_FONT, PAGE_FONT = "方正小标宋简体", "仿宋", "黑体", "楷体", "宋体"
TITLE_PT, BODY_PT, PAGE_PT, LINE_PT = 22, 16, 14, 28.95
_CN_NUM = "一二三四五六七八九十"


@dataclass
class NoticeUnit:
    """One unit's part of the notice. ``review`` None: its file could not be reviewed (``reason``,
    ``advice`` say why and what to do). ``name`` empty: the unit is not known (an unreadable file
    of a batch), the notice is addressed to whoever sent ``filename``."""

    name: str
    filename: str
    review: Review | None = None
    reason: str | None = None
    advice: str | None = None
    annotated_name: str | None = None  # the annotated draft in the same package
    missing: bool = False  # no report submitted at all


@dataclass
class Notice:
    sender: str  # 落款: the office that sends it (the tenant)
    issued: date
    resubmit_by: date
    year: int | None = None  # the reports' year, when they share one
    units: list[NoticeUnit] = field(default_factory=list)


def cn_date(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def cn_ordinal(n: int) -> str:
    """1 → 一, 12 → 十二, 20 → 二十 (item groups never reach a hundred)."""
    if n <= 10:
        return _CN_NUM[n - 1]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else _CN_NUM[tens - 1]) + "十" + (_CN_NUM[ones - 1] if ones else "")


def _sentence(text: str) -> str:
    text = " ".join(text.split()).rstrip("；;，,")
    return text if text.endswith(("。", "！", "？")) else text + "。"


def where(f: Finding) -> str:
    """The finding's principal place as a reader finds it: page, part, table cell or quoted words."""
    from reviewer.formats import DEFAULT_FORMAT
    from reviewer.render.anchors import place_name

    if not f.locations:
        return "全文"
    loc = f.locations[0]
    parts = []
    if loc.page:
        parts.append(f"第{loc.page}页")
    if loc.section:
        parts.append(f"第{loc.section}部分")
    if loc.table and loc.label:
        spec = next((t for t in DEFAULT_FORMAT.tables if t.id == loc.table), None)
        # part 二 has several tables, named by their article (第二十条第（一）项); the others one each
        named = spec is not None and spec.title.startswith("第")
        parts.append((f"{spec.title}表格" if named else "表格") + f"“{loc.label}”")
    else:
        name = place_name(loc, width=30)
        if name:
            parts.append(name)
    more = len({(x.label or x.text or "") for x in f.locations[1:]} - {loc.label or loc.text or ""})
    text = " ".join(parts) or "全文"
    return text + (f"等{more + 1}处" if more else "")


def item_text(f: Finding) -> str:
    problem = _sentence(f.message)
    if f.expected is not None and f.actual is not None:
        problem = problem[:-1] + f"（应为{f.expected}，实为{f.actual}）。"
    fix = _sentence(f.suggestion) if f.suggestion else "请核实后修改。"
    return f"位置：{where(f)}；问题：{problem}修改建议：{fix}"


def _styles(wd) -> None:
    from docx.enum.text import WD_LINE_SPACING
    from docx.shared import Pt

    normal = wd.styles["Normal"]
    _font(normal.font, normal.element, BODY_FONT, BODY_PT)
    pf = normal.paragraph_format
    pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    pf.line_spacing = Pt(LINE_PT)
    pf.space_before = pf.space_after = Pt(0)
    pf.widow_control = False


def _font(font, element, name: str, size: float, bold: bool | None = None) -> None:
    from docx.oxml.ns import qn
    from docx.shared import Pt

    font.name = name
    font.size = Pt(size)
    if bold is not None:
        font.bold = bold
    fonts = element.get_or_add_rPr().get_or_add_rFonts()
    for attr in ("w:eastAsia", "w:ascii", "w:hAnsi"):
        fonts.set(qn(attr), name)


_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _para(wd, text: str = "", font: str = BODY_FONT, size: float = BODY_PT, align=None, indent: bool = True,
          bold: bool = False, right_chars: int = 0, keep_next: bool = False):
    from docx.shared import Pt

    p = wd.add_paragraph()
    if align is not None:
        p.alignment = align
    if indent:
        p.paragraph_format.first_line_indent = Pt(BODY_PT * 2)
    if right_chars:
        p.paragraph_format.right_indent = Pt(BODY_PT * right_chars)
    if keep_next:
        p.paragraph_format.keep_with_next = True
    if text:
        run = p.add_run(_XML_ILLEGAL.sub("", text))  # draft text in a message: XML cannot hold control characters
        _font(run.font, run._element, font, size, bold)
    return p


def _page_setup(section) -> None:
    from docx.shared import Mm

    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.footer_distance = Mm(28) - Mm(7)  # the page number sits 7 mm below the text block


def _page_number(section) -> None:
    """Footer “— 1 —”: the PAGE field between em dashes, centred, 四号宋体."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    p = section.footer.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.paragraph_format.first_line_indent = None
    for piece in ("— ", None, " —"):
        run = p.add_run()
        _font(run.font, run._element, PAGE_FONT, PAGE_PT)
        if piece is not None:
            run.text = piece
            continue
        for kind, text in (("begin", None), (None, "PAGE"), ("separate", None), (None, "1"), ("end", None)):
            if kind:
                fld = OxmlElement("w:fldChar")
                fld.set(qn("w:fldCharType"), kind)
                run._element.append(fld)
            elif text == "PAGE":
                instr = OxmlElement("w:instrText")
                instr.set(qn("xml:space"), "preserve")
                instr.text = " PAGE "
                run._element.append(instr)
            else:
                t = OxmlElement("w:t")
                t.text = text
                run._element.append(t)


def _restart_pages(section) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    sect = section._sectPr
    pg = sect.find(qn("w:pgNumType"))
    if pg is None:
        pg = OxmlElement("w:pgNumType")
        sect.append(pg)
    pg.set(qn("w:start"), "1")


def _unit_notice(wd, notice: Notice, unit: NoticeUnit, first: bool) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    review = unit.review
    year = (review.report.year if review and review.report.year else None) or notice.year
    year_text = f"{year}年度" if year else ""
    if not first:  # each unit's notice is a section of its own: a new page, page numbers from 1
        _restart_pages(wd.add_section())
    _para(wd, "政府信息公开工作年度报告", TITLE_FONT, TITLE_PT, WD_ALIGN_PARAGRAPH.CENTER, indent=False)
    _para(wd, "修改意见通知单", TITLE_FONT, TITLE_PT, WD_ALIGN_PARAGRAPH.CENTER, indent=False)
    _para(wd)
    _para(wd, f"{unit.name or f'报送“{unit.filename}”的单位'}：", indent=False)
    deadline = cn_date(notice.resubmit_by)
    if unit.missing:
        _para(wd, f"截至{cn_date(notice.issued)}，你单位尚未报送{year_text}政府信息公开工作年度报告。"
                  f"请于{deadline}前报送。")
    elif review is None:
        _para(wd, f"你单位报送的“{unit.filename}”无法审核：{_sentence(unit.reason or '文件无法读取')}"
              f"{_sentence(unit.advice) if unit.advice else ''}请于{deadline}前重新报送。")
    else:
        errors = [f for f in review.findings if f.severity == "error"]
        warnings = [f for f in review.findings if f.severity == "warning"]
        infos = len(review.findings) - len(errors) - len(warnings)
        shown = f"（{unit.annotated_name}）" if unit.annotated_name else ""
        if not errors and not warnings:
            _para(wd, f"经审核，你单位报送的{year_text}政府信息公开工作年度报告未发现需要修改的问题。"
                  + (f"另有{infos}条格式提示，见随附的批注稿{shown}，请酌情处理。" if infos else ""))
        else:
            counts = "、".join(x for x in (f"必须修改的问题{len(errors)}个" if errors else "",
                                           f"请核实的问题{len(warnings)}个" if warnings else "") if x)
            _para(wd, f"经审核，你单位报送的{year_text}政府信息公开工作年度报告存在{counts}，具体意见如下。"
                  f"每条意见已在随附的批注稿{shown}中标注于原文相应位置。")
            groups = [(title, items) for title, items in (("必须修改的问题", errors), ("请核实的问题", warnings)) if items]
            for gi, (title, items) in enumerate(groups, 1):
                _para(wd, f"{cn_ordinal(gi)}、{title}", HEADING_FONT, keep_next=True)
                for i, f in enumerate(items, 1):
                    _para(wd, f"{i}．{item_text(f)}")
            if infos:
                _para(wd, f"另有{infos}条格式提示，见批注稿，请酌情处理。")
            _para(wd, f"请对照上述意见逐条修改，于{deadline}前将修改后的报告重新报送。对意见有不同看法的，"
                      "请在报送时一并书面说明理由。")
    # the 落款 never stands alone on a page: the last paragraph above it goes over with it
    wd.paragraphs[-1].paragraph_format.keep_with_next = True
    _para(wd, keep_next=True)
    _para(wd, notice.sender, align=WD_ALIGN_PARAGRAPH.RIGHT, indent=False, right_chars=4, keep_next=True)
    _para(wd, cn_date(notice.issued), align=WD_ALIGN_PARAGRAPH.RIGHT, indent=False, right_chars=4)


def notice_docx(notice: Notice) -> bytes:
    import docx

    wd = docx.Document()
    _styles(wd)
    section = wd.sections[0]
    _page_setup(section)
    _page_number(section)
    _restart_pages(section)
    for i, unit in enumerate(notice.units):
        _unit_notice(wd, notice, unit, first=i == 0)
    if not notice.units:
        _para(wd, "本次没有需要反馈的报告。")
    out = io.BytesIO()
    wd.save(out)
    return out.getvalue()
