"""Finding fingerprints (issue 15) stay the same while the problem stays, whatever else moves or changes,
and change when the problem's substance changes."""

from __future__ import annotations

from pathlib import Path

from reviewer.pipeline import ReviewOptions, review_bytes

SAMPLE = Path(__file__).resolve().parents[1] / "examples" / "wuhai-gxj-2023.txt"
OPTS = ReviewOptions(use_llm=False)


def _fps(text: str) -> dict[str, str]:
    review = review_bytes(text.encode("utf-8"), "draft.txt", OPTS)
    assert review.status == "ok"
    return {f.fingerprint: f.rule_id for f in review.findings}


def _lines(text: str) -> list[str]:
    return text.split("\n")


def test_moved_paragraphs_inserted_text_and_unrelated_numbers_keep_fingerprints():
    text = SAMPLE.read_text(encoding="utf-8")
    before = _fps(text)
    assert len(before) >= 10 and all(":" in fp for fp in before)
    lines = _lines(text)
    first = next(i for i, ln in enumerate(lines) if ln.startswith("（一）扩大信息发布数量"))
    third = next(i for i, ln in enumerate(lines) if ln.startswith("（三）做好信息公开监管"))
    moved = lines[first]
    del lines[first]
    lines.insert(third, moved)  # （一） now after （三）: other paragraphs, other offsets, other block ids
    lines.insert(first, "我局高度重视政府信息公开工作，主要负责同志多次听取工作汇报，研究部署重点任务。")
    edited = "\n".join(lines)
    edited = edited.replace("发布政策解读信息1条", "发布政策解读信息3条")  # a number no finding is about
    edited = edited.replace("0473-8991998", "0473-8991999")
    lines = edited.split("\n")
    table4 = next(i for i, ln in enumerate(lines) if ln.strip() == "复议后起诉")
    values = [i for i in range(table4, len(lines)) if lines[i] == "\t0"][:5]  # 行政复议: 维持 … 总计
    lines[values[0]] = lines[values[4]] = "\t1"  # one more upheld review, total kept consistent
    edited = "\n".join(lines)
    assert edited != text
    after = _fps(edited)
    assert after == before


def test_a_different_wrong_number_changes_that_fingerprint_only():
    text = SAMPLE.read_text(encoding="utf-8")
    before = _fps(text)
    after = _fps(text.replace("主动公开政府信息总数1248条", "主动公开政府信息总数1250条"))
    gone, came = set(before) - set(after), set(after) - set(before)
    assert [before[fp] for fp in gone] == ["crossref.parts_exceed_whole"]
    assert [after[fp] for fp in came] == ["crossref.parts_exceed_whole"]


def test_fingerprints_are_unique_and_stored_reviews_get_them_on_read():
    from reviewer.fingerprint import ensure_fingerprints

    review = review_bytes(SAMPLE.read_bytes(), SAMPLE.name, OPTS).model_dump(mode="json")
    fps = [f["fingerprint"] for f in review["findings"]]
    assert len(set(fps)) == len(fps)
    for f in review["findings"]:  # a review stored before fingerprints existed
        del f["fingerprint"]
    assert [f["fingerprint"] for f in ensure_fingerprints(review)["findings"]] == fps
