"""What an agency's name says about its level, for plausibility checks.

《立法法》 art. 91–93: 规章 are made by 国务院各部、委员会、中国人民银行、审计署 and 直属机构
(部门规章), and by the governments of provinces, 自治区, 直辖市, 设区的市 and 自治州 (地方政府规章).
Nobody else can: not a 县/区/乡镇 government, not a department of a city or county government.
A name is read only as far as it is unambiguous; anything else is "unknown" and no check fires.
"""

from __future__ import annotations

import re
from typing import Literal

Level = Literal["town", "county", "city", "province", "unknown"]
Kind = Literal["government", "department", "unknown"]

_MUNICIPALITIES = ("北京市", "天津市", "上海市", "重庆市")
# place prefix: [province][city/prefecture][county/district][town], each level optional
_PLACE = re.compile(
    r"^(?P<place>(?:[\u4e00-\u9fff]{2,9}?(?:省|自治区))?(?:[\u4e00-\u9fff]{1,9}?(?:自治州|市|州|盟|地区))?"
    r"(?:[\u4e00-\u9fff]{1,9}?(?:自治县|自治旗|县|旗|区))?(?:[\u4e00-\u9fff]{1,9}?(?:街道|乡|镇))?)")
_GOVERNMENT = re.compile(r"人民政府|政府")
_GOV_OFFICE = ("", "办公室", "办公厅", "办")


def place_level(place: str) -> Level:
    if not place:
        return "unknown"
    if place.endswith(("街道", "乡", "镇")):
        return "town"
    if place.endswith(("自治区", "省")) or place in _MUNICIPALITIES:
        return "province"
    if place.endswith("地区"):
        return "unknown"  # 行政公署 (prefecture office), not a level of government
    if place.endswith(("自治县", "自治旗", "县", "旗", "区")):
        return "county"
    if place.endswith(("市", "州", "盟")):
        return "city"
    return "unknown"


def classify(agency: str | None) -> tuple[Kind, Level, str]:
    """(government itself or one of its departments, the level of the place, the place)."""
    if not agency:
        return "unknown", "unknown", ""
    name = re.sub(r"\s", "", agency)
    m = None
    for m in _GOVERNMENT.finditer(name):
        pass
    if m is not None:
        place, rest = name[:m.start()], name[m.end():]
        kind: Kind = "government" if rest in _GOV_OFFICE else "department"
        return kind, place_level(_PLACE.match(place).group("place") if place else ""), place
    place = _PLACE.match(name).group("place")
    if not place:
        return "unknown", "unknown", ""
    kind = "government" if place == name else "department"
    if place in _MUNICIPALITIES or place.endswith(("省", "自治区")):
        # a department of a 直辖市 or province: level known, but not a government
        return "department", "province", place
    return kind, place_level(place), place


def can_make_rules(agency: str | None) -> bool | None:
    """False only when the name shows the body cannot make 规章; None when unsure."""
    kind, level, _place = classify(agency)
    if level in ("town", "county"):
        return False  # neither such a government nor its departments
    if kind == "department" and level == "city":
        return False  # a department of a city government: the city government makes its 规章
    return None
