"""Text hygiene: a word typed twice (“审核审核”), list ordinals that skip or repeat (“一是…三是…三是”)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from reviewer.checks.prose import Segment, prose_segments
from reviewer.checks.registry import Context, check, declared, finding
from reviewer.findings import Location

DOUBLED = declared("format.doubled_word")
ORDINALS = declared("format.list_ordinals")

_HAN = "\u4e00-\u9fff"
_DOUBLED = re.compile(rf"([{_HAN}]{{2,4}})\1")
# function words that are never doubled on purpose (“的的确确”, “不了了之” are excluded below)
_DOUBLED_CHAR = re.compile(r"的的(?!确)|在在|及及|与与|并并|把把|被被|将将(?!就)")
# two-character words Chinese legitimately repeats: verbs (研究研究), colours and states (雪白雪白)
_REDUPLICABLE = frozenset(
    "研究 讨论 学习 商量 考虑 了解 检查 整理 休息 活动 交流 沟通 比较 清理 打扫 介绍 说明 锻炼 体验 思考 "
    "调查 尝试 准备 收拾 琢磨 打听 认识 熟悉 练习 试验 分析 总结 反映 联系 合计 参谋 评评 帮助 关心 "
    "雪白 通红 笔直 冰凉 火热 崭新 碧绿 漆黑 蜡黄 金黄 滚烫 喷香 透亮 哗啦 咕噜 叮当 扑通 滴答 轰隆".split())
_QUANTIFIER_HEAD = frozenset("一二三四五六七八九十百千万两几各每逐")
# table words: PDF/markdown extraction leaves header fragments such as “结果结果其他尚未” outside the table
_TABLE_WORDS = frozenset("结果 总计 维持 纠正 其他 尚未 审结 自然人 处理 公开 申请 数量".split())
# two words that meet on the same characters: “某市政府 | 政府信息公开工作”, “政务公开 | 公开栏”,
# “各部门 | 部门预算”; such a pair is not a doubled word
_OVERLAP = re.compile(
    r"政府政府|公开公开(?:指南|目录|栏|专栏|平台|内容|事项|属性|方式|范围|渠道)|网站网站群|信息信息化"
    r"|部门部门(?:预算|决算|规章|职责|网站|联动)|数据数据(?:库|资源|共享|开放)"
    r"|服务服务(?:中心|事项|大厅|窗口|热线|平台)")
# a clause punctuation mark: prose sentences have one, table-header fragments do not
_SENTENCE = re.compile(r"[。，；！？、：,;:]")


def _doubled_ok(word: str) -> bool:
    if len(set(word)) == 1:  # 常常常常, 人人人人: reduplication, not a doubled word
        return True
    if word in _TABLE_WORDS:
        return True
    if len(word) == 2 and (word in _REDUPLICABLE or word[0] in _QUANTIFIER_HEAD):
        return True  # 研究研究, 一个一个, 各个各个, 每年每年
    return False


def _loc(ctx: Context, seg: Segment, span: tuple[int, int]) -> Location:
    return Location(section=seg.section, block_id=seg.block_id, span=span, text=ctx.doc.text[span[0]:span[1]])


@check(DOUBLED)
def doubled_words(ctx: Context):
    for seg in prose_segments(ctx):
        if not _SENTENCE.search(seg.text):
            continue  # a heading or a table fragment, not a sentence
        text = seg.text
        overlaps = [m.span() for m in _OVERLAP.finditer(text)]
        hits = [(m.start(), m.end(), m.group(1)) for m in _DOUBLED.finditer(text)
                if not _doubled_ok(m.group(1)) and not any(m.start() < b and a < m.end() for a, b in overlaps)]
        hits += [(m.start(), m.end(), m.group()[0]) for m in _DOUBLED_CHAR.finditer(text)]
        for start, end, word in sorted(hits):
            span = (seg.start + start, seg.start + end)
            context = text[max(0, start - 8):end + 8].replace("\n", "")
            yield finding(DOUBLED.id, f"“{word}{word}”疑为重复录入：“…{context}…”", [_loc(ctx, seg, span)],
                          evidence=[text[start:end]], actual=word * 2, expected=word,
                          suggestion=f"删去重复的“{word}”")


# “一是”, “二是” … after a clause boundary (not 之一是, 统一是, 唯一是), not 是否
_IS_ORDINAL = re.compile(r"(?:^|(?<=[。；;：:，,、！!？?）)”\s])|(?<=做到)|(?<=包括)|(?<=坚持)|(?<=重点)|(?<=主要)"
                         r"|(?<=表现在)|(?<=体现在)|(?<=具体))([一二三四五六七八九十]{1,3})是(?!否)")
# “（一）”, “（二）” … at a clause boundary (not 第二十条第（一）项), not a table row label
# (a heading may follow a closing bracket directly: “…（每季度一次）（二）改进措施”)
_PAREN_ORDINAL = re.compile(r"(?:^|(?<=[。；;：:，,！!？?”）)\s]))[（(]([一二三四五六七八九十]{1,3})[）)]")
# what follows a “（X）” that is not a list item: a clause reference (第二十条第（五）、（六）项, also
# when a line wrap put it at a line start) or a table-三 row label left outside the table
_NOT_ITEM = re.compile(r"(?:[、和及与至][（(][一二三四五六七八九十]{1,3}[）)])*(?:项|款|目)"
                       r"|予以公开|部分公开|不予公开|无法提供|不予处理|其他处理|总计|本年度办理结果")
_SPACE = re.compile(r"\s+")


@dataclass
class _Mark:
    number: int
    span: tuple[int, int]
    seg: Segment
    text: str


class _Sequence:
    """Ordinals in document order; a new 一 may open a nested list, a later number may close it."""

    def __init__(self, backwards_restarts: bool = False) -> None:
        self.levels: list[_Mark] = []  # last mark of each open list, innermost last
        # “一是” after a lead-in we do not recognise is missed; a smaller number then most likely
        # continues that unseen list, so for this family going backwards is a restart, not a break
        self.backwards_restarts = backwards_restarts

    def feed(self, mark: _Mark) -> _Mark | None:
        """The previous mark when ``mark`` breaks the sequence, else None."""
        if mark.number == 1 or not self.levels:
            self.levels = self.levels[-2:] + [mark]  # nested lists are at most three deep
            return None
        for depth in range(len(self.levels) - 1, -1, -1):
            if self.levels[depth].number + 1 == mark.number:
                self.levels = self.levels[:depth] + [mark]
                return None
        prev = self.levels[-1]
        if self.backwards_restarts and mark.number < prev.number:
            self.levels = self.levels[-2:] + [mark]
            return None
        # a repeated number was most likely meant as the next one (“（一）（二）（二）（四）” breaks once)
        number = prev.number + 1 if mark.number == prev.number else mark.number
        self.levels[-1] = _Mark(number, mark.span, mark.seg, mark.text)
        return prev


def _marks(ctx: Context, pattern: re.Pattern, form: str):
    """(section, [marks]) per section, in order."""
    by_section: dict[str | None, list[_Mark]] = {}
    for seg in prose_segments(ctx):
        for m in pattern.finditer(seg.text):
            number = cn_int(m.group(1))
            if number is None or number < 1:
                continue
            if pattern is _PAREN_ORDINAL:
                before = seg.text[max(0, m.start() - 6):m.start()].rstrip()
                after = _SPACE.sub("", seg.text[m.end():m.end() + 24])
                if before.endswith(("第", "条", "款")) or _NOT_ITEM.match(after):
                    continue
            by_section.setdefault(seg.section, []).append(
                _Mark(number, (seg.start + m.start(), seg.start + m.end()), seg, form.format(m.group(1))))
    return by_section


_DIGITS = {c: i for i, c in enumerate("一二三四五六七八九", 1)}


def cn_int(text: str) -> int | None:
    """一 … 九十九 as written in list ordinals."""
    if "十" not in text:
        return _DIGITS.get(text) if len(text) == 1 else None
    tens, _, ones = text.partition("十")
    if len(tens) > 1 or len(ones) > 1:
        return None
    t = _DIGITS.get(tens, 0 if tens else 1)
    o = _DIGITS.get(ones, 0 if not ones else None)
    return None if t == 0 or o is None else t * 10 + o


def _numeral(n: int) -> str:
    digits = "一二三四五六七八九"
    if n < 10:
        return digits[n - 1]
    return ("十" if n < 20 else digits[n // 10 - 1] + "十") + (digits[n % 10 - 1] if n % 10 else "")


@check(ORDINALS)
def list_ordinals(ctx: Context):
    headings = _marks(ctx, _PAREN_ORDINAL, "（{}）")
    for pattern, form in ((_IS_ORDINAL, "{}是"), (_PAREN_ORDINAL, "（{}）")):
        found = headings if pattern is _PAREN_ORDINAL else _marks(ctx, pattern, form)
        for section, marks in found.items():
            seq = _Sequence(backwards_restarts=pattern is _IS_ORDINAL)
            # a “一是…二是” list restarts under each new sub-heading “（二）改进措施” (its 一是 may be unseen)
            subheads = [h.span[0] for h in headings.get(section, [])] if pattern is _IS_ORDINAL else []
            last = None
            for mark in marks:
                if last is not None and any(last < p < mark.span[0] for p in subheads):
                    seq = _Sequence(backwards_restarts=True)
                last = mark.span[0]
                prev = seq.feed(mark)
                if prev is None:
                    continue
                if mark.number == prev.number or mark.text == prev.text:
                    what = f"“{mark.text}”重复出现"
                elif mark.number > prev.number:
                    missing = "、".join(form.format(_numeral(n)) for n in range(prev.number + 1, mark.number))
                    what = f"“{prev.text}”之后直接是“{mark.text}”，缺少“{missing}”"
                else:
                    what = f"“{prev.text}”之后出现了“{mark.text}”，序号倒退"
                where = f"第{section}部分" if section else "正文开头"
                yield finding(ORDINALS.id, f"{where}的列举序号有误：{what}",
                              [_loc(ctx, prev.seg, prev.span), _loc(ctx, mark.seg, mark.span)],
                              evidence=[prev.text, mark.text],
                              suggestion="按顺序重新编号（一是、二是、三是……或（一）（二）（三）……）")
