"""Batches of generated reports: several agencies, two consecutive years each, chained.

Builds on ``reportgen``: the second year's 上年结转 equals the first year's
结转下年度继续办理 and 现行有效件数 follows last year's + 制发 − 废止, so a
batch is clean across years until a test plants a break:

    batch = make_batch(n_agencies=100, carry_breaks={3, 17}, copies={(5, 9)})
    batch.files  # {"某市第3局-2023.docx": bytes, …}; batch.expected has what to find
"""

from __future__ import annotations

import io
import random
import zipfile
from dataclasses import dataclass, field

import reportgen
from reportgen import CATEGORIES, ReportSpec, consistent_spec

UNITS = ["教育局", "财政局", "民政局", "司法局", "商务局", "审计局", "统计局", "水利局", "林业和草原局",
         "交通运输局", "工业和信息化局", "发展和改革委员会", "卫生健康委员会", "生态环境局", "应急管理局",
         "文化和旅游局", "市场监督管理局", "住房和城乡建设局", "自然资源局", "农业农村局"]
CITIES = ["乌海市", "包头市", "赤峰市", "通辽市", "鄂尔多斯市", "呼伦贝尔市", "巴彦淖尔市", "乌兰察布市",
          "兴安盟", "锡林郭勒盟", "阿拉善盟", "呼和浩特市", "满洲里市", "二连浩特市", "霍林郭勒市"]


def agency_name(i: int) -> str:
    return CITIES[(i // len(UNITS)) % len(CITIES)] + ("" if i < len(UNITS) * len(CITIES) else str(i)) + UNITS[i % len(UNITS)]


def _rebalance(spec: ReportSpec, prev: ReportSpec, seed: int) -> None:
    """Chain ``spec`` to last year's ``prev`` keeping every relation of the table itself."""
    t3 = spec.table3
    for col in CATEGORIES:
        delta = prev.table3["forward"][col] - t3["carried"][col]
        t3["carried"][col] += delta
        t3["forward"][col] += delta
        if t3["forward"][col] < 0:  # give the missing applications to this year's new ones
            t3["new"][col] -= t3["forward"][col]
            t3["forward"][col] = 0
    for row in t3.values():
        row["total"] = sum(row[c] for c in CATEGORIES)
    for kind in ("rules", "normative"):
        row, before = spec.table2[kind], prev.table2[kind]
        row["abolished"] = min(row["abolished"], before["in_force"])
        row["in_force"] = before["in_force"] + row["issued"] - row["abolished"]
    spec.sections = reportgen._prose(random.Random(seed), spec)  # prose states the new totals


def year_pair(agency: str, seed: int, years: tuple[int, int] = (2022, 2023)) -> tuple[ReportSpec, ReportSpec]:
    prev = consistent_spec(agency=agency, year=years[0], seed=seed)
    this = consistent_spec(agency=agency, year=years[1], seed=seed + 7919)
    _rebalance(this, prev, seed + 7919)
    return prev, this


def break_carry_over(this: ReportSpec, col: str = "natural") -> None:
    """Last year said N were carried forward; this year claims N+1 came over (table still balanced)."""
    this.table3["carried"][col] += 1
    this.table3["forward"][col] += 1
    for row in ("carried", "forward"):
        this.table3[row]["total"] = sum(this.table3[row][c] for c in CATEGORIES)


def copy_narrative(dst: ReportSpec, src: ReportSpec) -> None:
    """``dst`` takes over ``src``'s narrative sections word for word (agency name included)."""
    for key in ("一", "五"):
        dst.sections[key] = list(src.sections[key])


@dataclass
class Batch:
    files: dict[str, bytes] = field(default_factory=dict)
    specs: dict[str, ReportSpec] = field(default_factory=dict)
    carry_breaks: set[str] = field(default_factory=set)  # files whose carry-over is wrong
    copied: set[tuple[str, str]] = field(default_factory=set)  # (copier file, source file)


def make_batch(n_agencies: int, carry_breaks: set[int] = frozenset(), copies: set[tuple[int, int]] = frozenset(),
               formats: tuple[str, ...] = ("docx", "txt"), seed: int = 0) -> Batch:
    """Two reports (2022, 2023) per agency; ``copies``: (i, j) = agency i's 2023 copies agency j's 2023."""
    batch = Batch()
    pairs = {i: year_pair(agency_name(i), seed * 100_003 + i) for i in range(n_agencies)}
    for i in carry_breaks:
        break_carry_over(pairs[i][1])
    for i, j in copies:
        copy_narrative(pairs[i][1], pairs[j][1])
    names = {}
    for i, (prev, this) in pairs.items():
        fmt = formats[i % len(formats)]
        for spec in (prev, this):
            name = f"{i:03d}-{spec.agency}-{spec.year}.{fmt}"
            batch.files[name] = reportgen.RENDERERS[fmt](spec)
            batch.specs[name] = spec
            names[(i, spec.year)] = name
    batch.carry_breaks = {names[(i, 2023)] for i in carry_breaks}
    batch.copied = {(names[(i, 2023)], names[(j, 2023)]) for i, j in copies}
    return batch


def zip_files(files: dict[str, bytes]) -> bytes:
    """The drafts as one .zip, the way an office collects them."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in files.items():
            z.writestr(name, data)
    return buf.getvalue()
