"""End to end: real reviews of real-layout drafts, annotated; every finding lands on its text."""

from __future__ import annotations

import io
from pathlib import Path

import docx
import pytest

from reviewer.ingest import read_bytes, read_path
from reviewer.pipeline import ReviewOptions, review_document
from reviewer.render import annotated_bytes

from drafts import anchored_texts

WUHAI = Path(__file__).resolve().parents[2] / "examples" / "wuhai-gxj-2023.txt"


def _flat(s: str | None) -> str:
    return "".join((s or "").split())


def _check_anchors(out: bytes, review) -> None:
    wd = docx.Document(io.BytesIO(out))
    anchored = anchored_texts(wd)
    comments = list(wd.comments)
    # one comment per card: a finding derived from a root cause is folded into the root's comment
    locs = [f.locations[0] if f.locations else None for f in review.findings if not f.derived_from]
    assert len(comments) == len(locs)
    for comment, loc in zip(comments, locs):
        if loc is not None and loc.text is not None:
            assert _flat(anchored[str(comment.comment_id)]) == _flat(loc.text), comment.text
        assert "未能在原文中精确定位" not in comment.text


@pytest.fixture(scope="module")
def broken_docx():
    from reportgen import consistent_spec, to_docx

    spec = consistent_spec(agency="某市交通运输局", year=2023, seed=11, zero_applications=False)
    spec.table3["new"]["commercial"] += 1  # breaks the row total and the column balance
    spec.period_start = "2024年1月1日"
    spec.intro[0] = spec.intro[0].replace("自2023年1月1日起至2023年12月31日", "自2024年1月1日起至2024年12月31日")
    data = to_docx(spec)
    return data, read_bytes(data, "jt-2023.docx")


def test_reviewed_docx_every_finding_anchored(broken_docx):
    data, doc = broken_docx
    review = review_document(doc, ReviewOptions(use_llm=False))
    assert any(f.rule_id.startswith("table3") for f in review.findings)
    assert any(f.category == "period" for f in review.findings)
    _check_anchors(annotated_bytes("docx", data, doc, review), review)


@pytest.mark.skipif(not WUHAI.exists(), reason="examples/wuhai-gxj-2023.txt is missing")
def test_wuhai_sample_generated_docx_every_finding_anchored():
    doc = read_path(WUHAI)
    review = review_document(doc, ReviewOptions(use_llm=False))
    assert len(review.findings) >= 8
    _check_anchors(annotated_bytes("docx", None, doc, review), review)
