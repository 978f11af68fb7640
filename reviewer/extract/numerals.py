"""Numbers as Chinese reports write them: 1248, 1,248, １２４８, 1.2万, 两, 十二, 一百零五.

``parse_number`` turns the text of one number into a float. ``fold`` maps
full-width digits and the full-width decimal point to ASCII so one regex can
find every number; ``NUMBER_PATTERN`` is that regex (for folded text). Words
that mean zero (“无收取…”, “未收到…”) depend on the phrase around them, so the
claim rules decide when one applies; ``ZERO_WORDS`` lists them.
"""

from __future__ import annotations

import re

_FULLWIDTH = {ord("０") + i: ord("0") + i for i in range(10)}
_FULLWIDTH.update({ord("．"): ord("."), ord("％"): ord("%")})

CN_DIGITS = {"零": 0, "〇": 0, "○": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4,
             "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
CN_UNITS = {"十": 10, "百": 100, "千": 1000}
CN_BIG = {"万": 10_000, "亿": 100_000_000}

# Arabic: thousands-separated (ASCII or full-width comma) or plain, optional decimals.
ARABIC_PATTERN = r"\d{1,3}(?:[,，]\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
# Chinese: starts with a digit word or 十 (十二 = 12); lazy so “两万元” reads 两 + 万元.
CHINESE_PATTERN = r"[零〇一二两三四五六七八九十][零〇一二两三四五六七八九十百千万亿]*?"
# 万 directly after an Arabic number scales it (“1.2万条”), unless it starts 万元.
NUMBER_PATTERN = rf"(?:{ARABIC_PATTERN})(?:[万亿](?!元))?|{CHINESE_PATTERN}"

ZERO_WORDS = ("没有", "无", "未", "零")

_ARABIC_RE = re.compile(rf"(?:{ARABIC_PATTERN})")


_FULLWIDTH_RE = re.compile("[０-９．％]")


def fold(text: str) -> str:
    """Full-width digits, decimal point and percent sign to ASCII (same length)."""
    return text.translate(_FULLWIDTH) if _FULLWIDTH_RE.search(text) else text  # translate is slow


def parse_number(text: str) -> float | None:
    """The value of one written number, or None when it is not a well-formed number."""
    s = fold(text.strip())
    if not s:
        return None
    scale = 1
    if s[-1] in CN_BIG and len(s) > 1 and s[-2].isdigit():
        scale = CN_BIG[s[-1]]
        s = s[:-1]
    if _ARABIC_RE.fullmatch(s):
        return float(s.replace(",", "").replace("，", "")) * scale
    if scale == 1:
        value = parse_chinese(s)
        return float(value) if value is not None else None
    return None


def parse_chinese(text: str) -> int | None:
    """二十一 → 21, 一百零五 → 105, 两万三千 → 23000, 二〇二一 → 2021 (digit by digit)."""
    if not text or any(ch not in CN_DIGITS and ch not in CN_UNITS and ch not in CN_BIG for ch in text):
        return None
    if all(ch in CN_DIGITS for ch in text):
        if len(text) == 1:
            return CN_DIGITS[text]
        if "两" in text or len(text) == 2:  # “三四件” is a range, not 34
            return None
        return int("".join(str(CN_DIGITS[ch]) for ch in text))
    total = 0
    section = 0  # the part below the current 万/亿
    digit: int | None = None
    last_unit = 10_000  # units inside a section must go down: 千 > 百 > 十
    last_big = 10 ** 12
    for ch in text:
        if ch in CN_DIGITS:
            if digit is not None and digit != 0 and CN_DIGITS[ch] != 0:
                return None  # two digits in a row (“二三”) is not a number
            digit = CN_DIGITS[ch]
        elif ch in CN_UNITS:
            unit = CN_UNITS[ch]
            if unit >= last_unit:
                return None
            if digit is None:
                if unit != 10:
                    return None  # “百” alone is not a number
                digit = 1  # 十二 = 12, 一百十 = 110
            if digit == 0:
                return None
            section += digit * unit
            digit = None
            last_unit = unit
        else:
            big = CN_BIG[ch]
            if big >= last_big:
                return None
            section += digit or 0
            if section == 0:
                return None
            total += section * big
            section, digit, last_unit, last_big = 0, None, 10_000, big
    return total + section + (digit or 0)
