"""Agency names to one key, so 全称 and 简称 of the same department meet.

“乌海市工业和信息化局” and “乌海市工信局” both become “乌海市工信局”;
“乌海市人民政府办公室”, “乌海市政府办公室” and “乌海市政府办” become “乌海市政府”.
Long forms are folded to the customary short forms, never the other way round,
so a name already written short is left alone.
"""

from __future__ import annotations

import re
import unicodedata

# (long form, customary short form); longest first so compound names fold whole
_SHORT = sorted([
    ("工业和信息化", "工信"), ("发展和改革", "发改"), ("发展改革", "发改"), ("人力资源和社会保障", "人社"),
    ("人力资源社会保障", "人社"), ("住房和城乡建设", "住建"), ("住房城乡建设", "住建"), ("自然资源和规划", "自然资源"),
    ("市场监督管理", "市场监管"), ("卫生健康", "卫健"), ("卫生和健康", "卫健"), ("文化和旅游", "文旅"),
    ("文化广电和旅游", "文广旅"), ("文化广电旅游", "文广旅"), ("退役军人事务", "退役军人"), ("应急管理", "应急"),
    ("科学技术", "科技"), ("医疗保障", "医保"), ("林业和草原", "林草"), ("交通运输", "交通"), ("农业农村", "农业农村"),
    ("生态环境", "生态环境"), ("政务服务和数据管理", "政数"), ("政务服务", "政务服务"), ("水利", "水利"),
    ("商务", "商务"), ("机关事务管理", "机关事务"), ("国有资产监督管理", "国资"), ("城市管理综合行政执法", "城管执法"),
    ("城市管理", "城管"), ("行政审批", "审批"), ("中华人民共和国", ""),
], key=lambda p: -len(p[0]))
_UNIT = [("委员会", "委"), ("人民政府", "政府"), ("管理委员会", "管委会")]
# trailing parts that name an office *of* the body rather than another body
_TRAILING = re.compile(r"(?:办公室|办公厅|政府办|办)$")
_NOISE = re.compile(r"[\s\u3000·•.,，、（）()\[\]【】《》“”\"'：:]")


def normalise_agency(name: str | None) -> str | None:
    if not name:
        return None
    s = unicodedata.normalize("NFKC", name)
    s = _NOISE.sub("", s)
    for long, short in _SHORT:
        s = s.replace(long, short)
    for long, short in sorted(_UNIT, key=lambda p: -len(p[0])):
        s = s.replace(long, short)
    if s.endswith("政府办公室") or s.endswith("政府办公厅") or s.endswith("政府办"):
        s = _TRAILING.sub("", s) if not s.endswith("政府办") else s[:-1]
    elif _TRAILING.search(s) and len(_TRAILING.sub("", s)) >= 2:
        # “某局办公室” is the 局 itself reporting; keep bodies literally called “…办” (信访办) intact
        stripped = _TRAILING.sub("", s)
        if re.search(r"(局|委|厅|政府|管委会|中心)$", stripped):
            s = stripped
    return s or None
