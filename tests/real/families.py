"""Realistic reports for the wording families of issue 14, one that must stay silent and one that must fire,
each in .txt (one cell per line), .docx and .html. Written into ``reports/`` (then run
``python tests/real/corpus.py --update`` and review the expected findings):

    python tests/real/families.py --write

Figures and narrative are invented (tests/reportgen.py builds consistent tables); agency names are real
for realism only. ``FAMILIES`` says, per family, the sentence each report adds; ``family_counts`` counts
how many corpus reports contain a family's wording (the closing note of issue 14).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
from reportgen import consistent_spec, rewrite_prose, to_docx, to_html, to_txt_flattened  # noqa: E402

RENDER = {"txt": to_txt_flattened, "docx": to_docx, "html": to_html}
RESULT_ROWS = ("disclosed", "partial", "withheld_secret", "withheld_law", "withheld_safety", "withheld_third_party",
               "withheld_internal", "withheld_process", "withheld_enforcement", "withheld_query", "unavailable_none",
               "unavailable_create", "unavailable_unclear", "np_petition", "np_repeat", "np_publication", "np_mass",
               "np_confirm", "other_no_correction", "other_no_fee", "other_other")


def _all_disclosed(spec) -> None:
    """Every result of the year is 予以公开 (so “其中已主动公开的…、同意公开的…” adds up to it)."""
    t3 = spec.table3
    for col in t3["results_total"]:
        for row in RESULT_ROWS:
            t3[row][col] = 0
        t3["disclosed"][col] = t3["results_total"][col]


def _documents(spec, fire: bool) -> None:
    spec.sections["二"].append("本年度共制发各类文件500条，其中主动公开200条、依申请公开260条、不予公开40条；"
                               "印发公文86份，其中依申请公开及不予公开30份。")
    if fire:  # the documents stay silent; a wrong application count in the same report still fires
        new = spec.table3["new"]["total"]
        spec.sections["三"].append(f"本年度新收政府信息公开申请{new + 3}件。")


def _bracket(spec, fire: bool) -> None:
    _all_disclosed(spec)
    done = spec.table3["results_total"]["total"]
    stated = done + 2 if fire else done
    first = 1 if stated > 1 else 0
    spec.sections["三"].append(f"全年答复政府信息公开申请{stated}件（其中已主动公开的{first}件、同意公开的{stated - first}件）。")


def _categories(spec, fire: bool) -> None:
    last = 60 if fire else 45  # 12+8+15+45 = 80; with 60: 95 > 80
    spec.sections["二"].append(f"在主动公开的80条信息中，政策文件12条、机构职能8条、人事信息15条、其他{last}条。"
                               "同一信息在门户网站和政务新媒体同步发布，其中门户网站80条、微信公众号66条。")


def _stale_year(spec, fire: bool) -> None:
    n = spec.year
    if fire:
        spec.sections["一"].append(f"{n + 1}年1月，编制完成{n + 1}年度政府信息公开工作年度报告并在门户网站公开。")
        spec.sections["二"].append(f"{n - 1}年，在主动公开的信息中，工作动态120条、通知公告36条。")
    else:
        spec.sections["一"].append(f"{n}年1月，按时编制完成{n - 1}年度政府信息公开工作年度报告并在门户网站公开。")
        spec.sections["二"].append(f"主动公开信息较{n - 1}年增加12条。")


# what each family adds, the agency/year/seed of its reports, and the wording class it is about (searched in
# every corpus report, whitespace removed, to count the reports a family touches)
FAMILIES = {
    "documents": (_documents, ("乌兰察布市商务局", 2023, 21),
                  re.compile(r"(?:制发|印发|制作|形成|产生|拟制)[^。；]{0,12}?(?:文件|公文|发文|政府信息)[^。；]{0,4}?\d+[条份篇件]"
                             r"[^。]{0,40}?(?:依申请公开|不予公开)")),
    "bracket": (_bracket, ("铜陵市郊区人民政府", 2024, 22), re.compile(r"\d+件[（(]其中[^）)]{0,40}?\d+件[^）)]{0,40}?[）)]")),
    "categories": (_categories, ("黄山市屯溪区教育局", 2022, 23),
                   re.compile(r"在主动公开的\d+条|主动公开[^。]{0,24}?\d+条[，,（(]其中[^。]{0,30}?"
                              r"(?:政策文件|机构职能|人事信息|工作动态|通知公告|公示公告|规划计划)")),
    "stale_year": (_stale_year, ("玉溪市红塔区市场监督管理局", 2025, 24),
                   re.compile(r"(?:编制|发布|完成)[^。]{0,6}?(?P<y>\d{4})年度[^。]{0,12}?报告|(?:^|[。\n])(?P<z>\d{4})年，在主动公开")),
}


def build(family: str, fire: bool):
    add, (agency, year, seed), _ = FAMILIES[family]
    spec = consistent_spec(agency=agency, year=year, seed=seed, zero_applications=False, vary_wording=True)
    if family == "bracket":
        _all_disclosed(spec)
        rewrite_prose(spec, seed)
    add(spec, fire)
    return spec


def write() -> list[Path]:
    out = []
    for i, family in enumerate(FAMILIES, 1):
        for fire in (False, True):
            spec = build(family, fire)
            for ext, render in RENDER.items():
                path = HERE / "reports" / f"{'F' if fire else 'C'}{i + 30:02d}-{family}-{spec.year}-{ext}.{ext}"
                path.write_bytes(render(spec))
                out.append(path)
    return out


def _damaged_label_docx(spec) -> bytes:
    """The Word file with the template's own typo in one row label (“2.其他法律行政止公开”)."""
    import io
    import zipfile

    zin = zipfile.ZipFile(io.BytesIO(to_docx(spec)))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "word/document.xml":
                data = data.decode().replace("2.其他法律行政法规禁止公开", "2.其他法律行政止公开").encode()
            zout.writestr(item, data)
    return out.getvalue()


def write_pdf_rows() -> list[Path]:
    """Rows of WPS-style tables (C35/F35, .docx and the PDF LibreOffice exports from it): a row label with the
    template's typo, read by position; （六）其他处理 printed as one row. F35's damaged row breaks its row total."""
    from lohelpers import convert_all
    from reportgen import T3_ROWS_2019, ReportSpec
    from rulehelpers import applications_spec

    class OneRow(ReportSpec):
        t3_rows = property(lambda self: T3_ROWS_2019)

    out = []
    for fire in (False, True):
        spec = applications_spec({("withheld_law", "natural"): 1, ("disclosed", "natural"): 2, ("partial", "commercial"): 1,
                                  ("other_no_correction", "natural"): 2}, year=2024)
        agency, spec.agency = spec.agency, "宣城市宣州区自然资源和规划局"
        spec.title = f"{spec.agency}2024年政府信息公开工作年度报告"
        spec.intro = [p.replace(agency, spec.agency) for p in spec.intro]
        spec.sections = {k: [p.replace(agency, spec.agency) for p in v] for k, v in spec.sections.items()}
        t3 = spec.table3
        t3["other_handling"] = {c: sum(t3[r][c] for r in ("other_no_correction", "other_no_fee", "other_other"))
                                for c in t3["new"]}
        if fire:
            t3["withheld_law"]["total"] += 1  # the row read by position: its 总计 no longer adds up
        spec.__class__ = OneRow
        name = f"{'F' if fire else 'C'}35-wps-rows-2024"
        docx = _damaged_label_docx(spec)
        pdf = convert_all({f"{name}.docx": docx}, "pdf")[f"{name}.docx"]
        for ext, data in (("docx", docx), ("pdf", pdf)):
            path = HERE / "reports" / f"{name}-{ext}.{ext}"
            path.write_bytes(data)
            out.append(path)
    return out


def write_crawled() -> list[Path]:
    """Crawled pages whose table cells run together (C36/F36): the 上年结转 row prints as many digits as cells
    (“1000001”, “3000000”), so its split is forced; in F36 its 总计 (0) cannot be the sum (3)."""
    from reportgen import to_crawled

    out = []
    for fire in (False, True):
        spec = consistent_spec(agency="南平市建阳区卫生健康局", year=2023, seed=26, zero_applications=False)
        t3 = spec.table3
        for col in t3["carried"]:
            t3["carried"][col] = 0
        for col in ("natural", "total"):  # one carried-over application, carried forward again
            t3["carried"][col] = 3 if fire else 1
            t3["forward"][col] += 3 if fire else 1
        if fire:
            t3["carried"]["total"] = 0  # printed “3000000”: the 总计 typed as 0
        rewrite_prose(spec, 26)
        path = HERE / "reports" / f"{'F' if fire else 'C'}36-crawled-forced-{spec.year}.txt"
        path.write_bytes(to_crawled(spec))
        out.append(path)
    return out


def family_counts() -> dict[str, list[str]]:
    """For each family, the corpus reports whose text has a wording of its class (the stale-year family:
    a report naming a year's report, or N−1 opening a sentence on proactive disclosure)."""
    from corpus import CORPUS, ROOT

    from reviewer.ingest import read_bytes

    found: dict[str, list[str]] = {f: [] for f in FAMILIES}
    for name, (path, _) in sorted(CORPUS.items()):
        text = "".join(read_bytes((ROOT / path).read_bytes(), Path(path).name).text.split())
        for family, (_, _, pattern) in FAMILIES.items():
            if pattern.search(text):
                found[family].append(name)
    return found


def table_counts() -> dict[str, list[str]]:
    """Corpus reports whose tables were read by the issue-14 table rules: a forced row, a damaged label read by
    position, a group printed as one row."""
    from corpus import CORPUS, ROOT

    from reviewer.extract import extract
    from reviewer.ingest import read_bytes

    found: dict[str, list[str]] = {"forced_rows": [], "damaged_labels": [], "one_row_groups": []}
    for name, (path, _) in sorted(CORPUS.items()):
        tables = extract(read_bytes((ROOT / path).read_bytes(), Path(path).name)).tables.values()
        for key, attr in (("forced_rows", "forced_rows"), ("damaged_labels", "damaged_labels"),
                          ("one_row_groups", "merged_rows")):
            if any(getattr(t, attr) for t in tables):
                found[key].append(name)
    return found


if __name__ == "__main__":
    sys.path.insert(0, str(HERE.parents[1]))
    if "--write" in sys.argv:
        for p in write() + write_pdf_rows() + write_crawled():
            print(p.relative_to(HERE))
    if "--count" in sys.argv:
        for family, names in {**family_counts(), **table_counts()}.items():
            print(f"{family}: {len(names)} reports: {', '.join(names)}")
