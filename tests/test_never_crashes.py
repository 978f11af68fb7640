"""Mangled drafts never crash the review: they give findings or a failed Review with a code."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from reviewer.pipeline import ReviewOptions, review_bytes, review_document
from reviewer.ingest import read_bytes

FIX = Path(__file__).parent / "fixtures"
SOURCES = [("wuhai-gxj-2023.txt", "x.txt"), ("real/pingtan-2021.txt", "x.txt"), ("real/sh-kewei-2024.md", "x.md")]
INSERTS = ["一、", "（七）总计", "123456789", "\t", "|", "2025年，我局完成了", "其中", "-", "统计期限", "| 1 | 2 |"]


def mangle(text: str, rnd: random.Random) -> str:
    lines = text.split("\n")
    op = rnd.randrange(6)
    for _ in range(rnd.randrange(1, 6)):
        i = rnd.randrange(len(lines))
        if op == 0 and len(lines) > 1:
            del lines[i]
        elif op == 1:
            lines.insert(i, lines[rnd.randrange(len(lines))])
        elif op == 2:
            lines[i] = lines[i][: rnd.randrange(len(lines[i]) + 1)]
        elif op == 3:
            lines[i] = "".join(rnd.sample(lines[i], len(lines[i])))
        elif op == 4:
            lines[i] += rnd.choice(INSERTS)
        else:
            rnd.shuffle(lines)
    return "\n".join(lines)


@pytest.mark.parametrize("seed", range(0, 300, 3))
def test_mangled_drafts_are_reviewed_without_exceptions(seed):
    rnd = random.Random(seed)
    path, name = SOURCES[seed % len(SOURCES)]
    data = mangle((FIX / path).read_text(encoding="utf-8"), rnd).encode("utf-8")
    review = review_bytes(data, name, ReviewOptions(use_llm=False))
    assert review.status == "ok" or review.error.code.startswith("input.")


def test_an_internal_defect_gives_a_failed_review_not_a_traceback(monkeypatch):
    import reviewer.extract

    doc = read_bytes((FIX / "wuhai-gxj-2023.txt").read_bytes(), "w.txt")

    def broken(_doc):
        raise ZeroDivisionError("a bug")

    monkeypatch.setattr(reviewer.extract, "extract", broken)
    review = review_document(doc, ReviewOptions(use_llm=False))
    assert review.status == "failed" and review.error.code == "review.internal_error"
    assert "内部错误" in review.error.message
