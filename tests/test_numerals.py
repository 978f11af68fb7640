"""Number parsing for prose claims: Arabic, full-width, separators, decimals, 万, Chinese numerals."""

from __future__ import annotations

import re

import pytest

from reviewer.extract.numerals import NUMBER_PATTERN, fold, parse_chinese, parse_number


@pytest.mark.parametrize("text, value", [
    ("0", 0), ("7", 7), ("1248", 1248), ("10407", 10407),
    ("1,248", 1248), ("1，248", 1248), ("12,345,678", 12345678),
    ("１２４８", 1248), ("１，２４８", 1248), ("０", 0),
    ("18651.06", 18651.06), ("0.5", 0.5), ("１．５", 1.5),
    ("1.2万", 12000), ("3万", 30000), ("1.5亿", 150_000_000),
    ("零", 0), ("一", 1), ("两", 2), ("十", 10), ("十二", 12), ("二十", 20), ("二十一", 21),
    ("一百", 100), ("一百零五", 105), ("一百一十", 110), ("一百十", 110), ("三百四十五", 345),
    ("一千零一十", 1010), ("两千三百", 2300), ("一万", 10000), ("两万三千", 23000), ("十万零五", 100005),
    ("五十万", 500000), ("二〇二一", 2021), ("一二四八", 1248),
])
def test_parse_number(text: str, value: float) -> None:
    assert parse_number(text) == value


@pytest.mark.parametrize("text", [
    "", "百", "千", "万", "二三", "三四", "两两", "十十", "百十", "一百百", "万万", "abc", "1.2.3", "12a",
    "两百万万",
])
def test_not_a_number(text: str) -> None:
    assert parse_number(text) is None


def test_parse_chinese_rejects_other_characters() -> None:
    assert parse_chinese("十二条") is None
    assert parse_chinese("二十一") == 21


def test_fold_keeps_length_and_maps_fullwidth() -> None:
    assert fold("主动公开１２４８条，占１０．５％") == "主动公开1248条，占10.5%"
    assert len(fold("１２")) == 2
    text = "no full-width here"
    assert fold(text) is text  # nothing to fold: the same object, no copy


@pytest.mark.parametrize("text, found", [
    ("共1,248条", "1,248"), ("共1.2万条", "1.2万"), ("两件", "两"), ("十二条", "十二"),
    ("一百零五件", "一百零五"), ("18651.06万元", "18651.06"),
])
def test_number_pattern_finds_the_number_before_its_unit(text: str, found: str) -> None:
    m = re.search(rf"(?P<num>{NUMBER_PATTERN})(?:万元|元|件|条)", text)
    assert m and m.group("num") == found


def test_wan_before_yuan_is_the_unit() -> None:
    # “两万元”: 两 + 万元, so the unit is kept as written
    m = re.search(rf"(?P<num>{NUMBER_PATTERN})(?P<unit>万元|元)", "收费两万元")
    assert m and (m.group("num"), m.group("unit")) == ("两", "万元")
    m = re.search(rf"(?P<num>{NUMBER_PATTERN})(?P<unit>万元|元)", "收费1.5万元")
    assert m and (m.group("num"), m.group("unit")) == ("1.5", "万元")
