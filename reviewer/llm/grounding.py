"""Quotes from the model count only if they are in the draft.

Matching ignores whitespace only (the draft's line breaks and the model's
spacing differ); punctuation, digits and wording must be exact. A match is
mapped back to a span in the original ``Document.text``.
"""

from __future__ import annotations

import re

from reviewer.document import Document

_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
              "八": 8, "九": 9, "十": 10}
_NONE_WORDS = ("无", "未", "没有", "零", "不存在")
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_CN_COUNT = re.compile(r"([零〇一二两三四五六七八九十])(?:件|条|个|篇|次|起|项|宗|份|家|人|名)")
_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3})")


class Grounder:
    def __init__(self, doc: Document):
        self.doc = doc
        self._index = [i for i, ch in enumerate(doc.text) if not ch.isspace()]
        self._compact = "".join(doc.text[i] for i in self._index)

    def find(self, quote: str) -> tuple[int, int] | None:
        needle = "".join(quote.split())
        if not needle:
            return None
        pos = self._compact.find(needle)
        if pos < 0:
            return None
        return self._index[pos], self._index[pos + len(needle) - 1] + 1

    def block_at(self, offset: int) -> str | None:
        for b in self.doc.blocks:
            if b.span[0] <= offset < b.span[1]:
                return b.id
        return None


def value_in_quote(value: float, quote: str) -> bool:
    """The claimed number must be written in the quote (digits, a small Chinese numeral, or “无/未”)."""
    compact = _THOUSANDS.sub("", "".join(quote.split()))
    for m in _NUMBER.finditer(compact):
        if float(m.group()) == value:
            return True
    if value == 0:
        return any(w in compact for w in _NONE_WORDS)
    if float(value).is_integer() and 0 < value <= 10:
        return any(_CN_DIGITS[m.group(1)] == value for m in _CN_COUNT.finditer(compact))
    return False
