"""The regression corpus: real and realistic reports with the findings they are expected to give.

Each entry names a report file (relative to the repository) and what it is. Its expected
errors and warnings live in ``expected/<name>.json``; ``test_corpus.py`` fails on any new or
lost one. After a deliberate change, regenerate them and review the diff:

    python tests/real/corpus.py --update
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
EXPECTED = HERE / "expected"

# name → (path from the repository root, what it is)
CORPUS: dict[str, tuple[str, str]] = {
    "pingtan-2021": ("tests/fixtures/real/pingtan-2021.txt", "平潭综合实验区 2021，爬虫文本，表格数字粘连"),
    "pingtan-2024": ("tests/fixtures/real/pingtan-2024.txt", "平潭综合实验区 2024，爬虫文本，标签内有空格"),
    "sh-kewei-2024": ("tests/fixtures/real/sh-kewei-2024.md", "上海市科委 2024，PDF 转 Markdown，表格碎片"),
    "shuyang-fgj-2023": ("tests/fixtures/real/shuyang-fgj-2023.html", "沭阳县发改局 2023，整页 HTML"),
    "sh-szfbgt-2019": ("tests/fixtures/real/sh-szfbgt-2019.html", "上海市人民政府办公厅 2019，试行格式网页，表三总计列空白"),
    "huaian-2024": ("tests/fixtures/real/huaian-2024.pdf", "淮安市人民政府 2024，WPS 导出的 6 页 PDF，表三跨页"),
    "wuhai-gxj-2023": ("examples/wuhai-gxj-2023.txt", "乌海市工信局 2023 草稿，11 处真实错误"),
    "wuhai-gxj-2023-corrected": ("examples/wuhai-gxj-2023-corrected.txt", "上一份的人工更正稿"),
    "consistent-2024": ("examples/consistent-2024.docx", "一致的 2024 年 .docx"),
    "planted-errors-2024": ("examples/planted-errors-2024.html", "GBK 网页，植入错误"),
    "trial-format-2020": ("examples/trial-format-2020.md", "2020 年度报告，2019 试行格式"),
}
# realistic reports written for the corpus (reports/), one per file; see reports/MANIFEST.md
for _path in sorted((HERE / "reports").glob("*")):
    if _path.suffix in (".txt", ".md", ".html", ".htm", ".docx", ".pdf") and _path.stem not in ("MANIFEST", "README"):
        CORPUS.setdefault(_path.stem, (str(_path.relative_to(ROOT)), "见 reports/MANIFEST.md"))


def review_file(path: Path):
    from reviewer.pipeline import ReviewOptions, review_bytes

    return review_bytes(path.read_bytes(), path.name, ReviewOptions(use_llm=False))


def observed(name: str) -> dict:
    """What the reviewer says of one corpus report: status and its errors and warnings, by place."""
    result = review_file(ROOT / CORPUS[name][0])
    findings = sorted(_key(f) for f in result.findings if f.severity in ("error", "warning"))
    return {"status": result.status, "error": result.error.code if result.error else None,
            "year": result.report.year if result.report else None,
            "findings": [dict(zip(("severity", "rule_id", "where"), k)) for k in findings]}


def _key(f) -> tuple[str, str, str]:
    loc = f.locations[0] if f.locations else None
    if loc is None:
        where = ""
    elif loc.table:
        where = f"{loc.table}/{loc.row}/{loc.column}"
    else:
        where = f"第{loc.section}部分" if loc.section else "正文"
    return f.severity, f.rule_id, where


def load_expected(name: str) -> dict:
    return json.loads((EXPECTED / f"{name}.json").read_text(encoding="utf-8"))


def update() -> None:
    EXPECTED.mkdir(exist_ok=True)
    for name in CORPUS:
        got = observed(name)
        (EXPECTED / f"{name}.json").write_text(json.dumps(got, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        counts = [f["severity"] for f in got["findings"]]
        print(f"{name}: {counts.count('error')} errors, {counts.count('warning')} warnings")


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    if "--update" in sys.argv:
        update()
    else:
        for n in CORPUS:
            print(n, json.dumps(observed(n), ensure_ascii=False))
