"""Drafts for the hostile tests: the sample draft and mutations of it (issue 11's reproductions)."""

from __future__ import annotations

from pathlib import Path

SAMPLE_PATH = Path(__file__).resolve().parents[1] / "fixtures" / "wuhai-gxj-2023.txt"
SAMPLE = SAMPLE_PATH.read_text(encoding="utf-8")


def with_row(cells: list[str], label: str = "本年新收") -> str:
    """The sample with the 7 value lines of a table-三 row replaced by ``cells`` (one line each)."""
    lines = SAMPLE.split("\n")
    i = next(k for k, line in enumerate(lines) if label in line)
    return "\n".join(lines[:i + 1] + [f"\t{c}" for c in cells] + lines[i + 8:])


def long_prose(n: int) -> str:
    """The sample followed by ``n`` lines of narrative with counted numbers (claims to extract)."""
    phrases = ("本年共发布政策解读{k}篇，其中图文解读{a}篇，视频解读{b}篇。",
               "组织政务公开培训{k}次，参训人员{a}人次。",
               "全年办理人大代表建议{k}件、政协委员提案{a}件。",
               "更新主动公开目录第{k}项，发布通知公告{a}条。")
    lines = [phrases[i % len(phrases)].format(k=i % 50 + 10, a=i % 7 + 3, b=i % 50 + 7) for i in range(n)]
    return SAMPLE + "\n" + "\n".join(lines) + "\n"
