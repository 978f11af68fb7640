"""The seed flow of issue 15: the wuhai sample (version 1) and its corrected copy with two errors put
back (version 2): the total 1248 (crossref.parts_exceed_whole, to be dismissed in version 1) and the
statistical period 2024 (period.title_vs_period, still open)."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
V1 = ROOT / "examples" / "wuhai-gxj-2023.txt"
CORRECTED = ROOT / "tests" / "fixtures" / "wuhai-gxj-2023-corrected.txt"
DISMISSED_RULE = "crossref.parts_exceed_whole"
REOPENED_RULE = "period.title_vs_period"
REASON = "“其他信息”含转载的上级文件，不计入本局主动公开总数"


def version_two() -> str:
    text = CORRECTED.read_text(encoding="utf-8")
    for good, bad in (("2023年1月1日起至2023年12月31日", "2024年1月1日起至2024年12月31日"),
                      ("主动公开政府信息总数2095条", "主动公开政府信息总数1248条")):
        assert good in text
        text = text.replace(good, bad)
    return text
