"""Sections by meaning: every heading correct reports print for a section is that section
(docs/real-reports.md §A), in every input format; table labels and prose never are."""

from __future__ import annotations

import pytest

from reportgen import HEADING_VARIANTS, RENDERERS, SECTION_HEADINGS, consistent_spec
from reviewer.extract import extract
from reviewer.formats import GOV_2021
from reviewer.extract.sections import classify_title
from reviewer.ingest import read_bytes
from reviewer.pipeline import ReviewOptions, review_bytes

VARIANTS = [(key, h) for key, hs in HEADING_VARIANTS.items() for h in hs]


def _review(data: bytes, ext: str):
    result = review_bytes(data, f"draft.{ext}", ReviewOptions(use_llm=False))
    assert result.status == "ok", result.error
    return result


def _bad(result) -> list[tuple[str, str, str]]:
    """Errors of any category and structure warnings: what a variant heading must never cause."""
    return [(f.severity, f.rule_id, f.message) for f in result.findings
            if f.severity == "error" or (f.category == "structure" and f.severity == "warning")]


@pytest.mark.parametrize("ext", sorted(RENDERERS))
@pytest.mark.parametrize("key,heading", VARIANTS, ids=[h for _, h in VARIANTS])
def test_a_variant_heading_is_its_section(key, heading, ext):
    spec = consistent_spec(seed=12, headings={key: heading})
    data = RENDERERS[ext](spec)
    result = _review(data, ext)
    assert _bad(result) == []
    facts = extract(read_bytes(data, f"draft.{ext}"))
    assert [s.key for s in facts.sections] == list(SECTION_HEADINGS)
    assert next(s for s in facts.sections if s.key == key).heading == heading


@pytest.mark.parametrize("ext", sorted(RENDERERS))
def test_every_section_worded_otherwise_at_once(ext):
    headings = {key: hs[0] for key, hs in HEADING_VARIANTS.items()}
    result = _review(RENDERERS[ext](consistent_spec(seed=13, headings=headings)), ext)
    assert _bad(result) == []


@pytest.mark.parametrize("which", range(max(len(hs) for hs in HEADING_VARIANTS.values())))
def test_variants_in_a_crawled_one_line_page(which):
    """Crawled pages run headings into the body: “四、因政府信息公开工作被申请行政复议、提起行政诉讼情况行政复议…”."""
    from reportgen import to_crawled
    from rulehelpers import crawled

    headings = {key: hs[min(which, len(hs) - 1)] for key, hs in HEADING_VARIANTS.items()}
    spec = consistent_spec(seed=14, headings=headings)
    text = crawled(spec)
    one_line = text.split("\n", 1)[0] + "\n" + text.split("\n", 1)[1].replace("\n", "")
    for data in (text, one_line, to_crawled(spec).decode()):
        result = _review(data.encode(), "txt")
        assert _bad(result) == []
        # a heading run into its first sentence lends that sentence none of its words (“…工作打算2023年，…”)
        assert [f.rule_id for f in result.findings if f.severity == "warning"
                and f.rule_id != "format.table_unreadable"] == []
        facts = extract(read_bytes(data.encode(), "d.txt"))
        assert [s.heading for s in facts.sections] == list(headings.values())


@pytest.mark.parametrize("title,key", [
    ("因政府信息公开工作被申请行政法复议、提起行政诉讼情况", "四"),
    ("存在的主要问题及下一步工作打算", "五"),
    ("行政机关收到和处理政府信息公开申请情况", "三"),
    ("行政机关主动公开政府信息情况", "二"),
    ("其他需要报告的事项", "六"),
    ("政府信息公开工作总体情况", "一"),
    # table labels and list items name no section
    ("本年度办理结果", None), ("结转下年度继续办理", None), ("本年新收政府信息公开申请数量", None),
    ("上年结转政府信息公开申请数量", None), ("加强组织领导", None),
])
def test_titles_are_classified_by_their_key_words(title, key):
    assert classify_title(GOV_2021, title) == key


def test_table_labels_and_prose_are_not_headings():
    """Table 三's own numbered rows (“三、本年度办理结果”, “四、结转下年度继续办理”) and numbered
    points in the prose keep their sections; nothing is missing or out of order."""
    spec = consistent_spec(seed=15)
    spec.sections["五"].insert(1, "三、加强依申请公开工作。规范答复文书，提高答复质量。")
    spec.sections["一"].append("二、主动公开工作情况较好，但仍需改进。")
    for ext in sorted(RENDERERS):
        data = RENDERERS[ext](spec)
        result = _review(data, ext)
        assert _bad(result) == [], ext
        facts = extract(read_bytes(data, f"draft.{ext}"))
        assert [s.heading for s in facts.sections] == list(SECTION_HEADINGS.values()), ext


def test_an_absent_section_is_still_missing():
    spec = consistent_spec(seed=16)
    data = RENDERERS["txt"](spec).decode().replace(SECTION_HEADINGS["四"] + "\n", "")
    result = _review(data.encode(), "txt")
    assert [f.rule_id for f in result.findings if f.severity == "error"] == ["structure.missing_section"]


def test_a_section_under_an_unplaceable_title_is_a_warning_not_an_error():
    """“五、工作展望” may be section 五 in other words: the reviewer cannot be sure it is missing."""
    spec = consistent_spec(seed=17, headings={"五": "五、下一步工作展望与安排"})
    result = _review(RENDERERS["txt"](spec), "txt")
    (f,) = [f for f in result.findings if f.rule_id == "structure.missing_section"]
    assert f.severity == "warning" and "五、下一步工作展望与安排" in f.message
    assert f.locations[0].text == "五、下一步工作展望与安排"
    assert not [x for x in result.findings if x.severity == "error"]


def test_a_table_before_a_heading_known_only_by_its_key_words_is_a_warning():
    """Table 四 printed before its heading is certain (an error) when the heading is surely section
    四's; a misnumbered variant heading might be another section's, so it is a warning."""
    from test_rules_structure import _table4_block

    heading = "三、因政府信息公开被申请行政复议、提起行政诉讼情况"  # numbered 三, worded as 四
    text = RENDERERS["txt"](consistent_spec(seed=9, headings={"四": heading})).decode()
    old = "四、政府信息公开行政复议、行政诉讼情况\n"
    text = text.replace(heading + "\n", old)
    block = _table4_block(text)
    text = text.replace(old + block, block + heading + "\n")
    result = _review(text.encode(), "txt")
    (f,) = [f for f in result.findings if f.rule_id == "structure.table_outside_section"]
    assert f.severity == "warning"
    exact = RENDERERS["txt"](consistent_spec(seed=9)).decode()
    block = _table4_block(exact)
    exact = exact.replace(old + block, block + old)
    (g,) = [f for f in _review(exact.encode(), "txt").findings if f.rule_id == "structure.table_outside_section"]
    assert g.severity == "error"


@pytest.mark.parametrize("which", [0, -1])
@pytest.mark.parametrize("ext", ["docx", "md"])
def test_variant_headings_numbered_by_word_lists_are_sections(ext, which):
    """Word's list numbering is not in the text: a top-level heading worded as a variant is its
    section by its key words (a plain paragraph so worded is not, see the next test)."""
    headings = {key: hs[which].split("、", 1)[1] for key, hs in HEADING_VARIANTS.items()}
    data = RENDERERS[ext](consistent_spec(seed=18, headings=headings))
    assert _bad(_review(data, ext)) == []
    facts = extract(read_bytes(data, f"d.{ext}"))
    assert [s.heading for s in facts.sections] == list(headings.values())


def test_a_sub_heading_worded_like_a_section_stays_in_its_section():
    spec = consistent_spec(seed=19)
    spec.sections["一"].insert(1, "主动公开政府信息工作情况")  # a plain line inside 一
    for ext in ("txt", "docx", "html", "md"):
        facts = extract(read_bytes(RENDERERS[ext](spec), f"d.{ext}"))
        assert [s.heading for s in facts.sections] == list(SECTION_HEADINGS.values()), ext


@pytest.mark.parametrize("sep", ["；", "、", "，"])
def test_titles_listed_in_the_introduction_are_not_headings(sep):
    """“本报告分为：一、总体情况；二、主动公开政府信息情况；…” names the sections, it does not open them."""
    spec = consistent_spec(seed=20)
    listed = sep.join(SECTION_HEADINGS.values())
    spec.intro = [f"本报告分为：{listed}。{{period}}"]
    for ext in sorted(RENDERERS):
        data = RENDERERS[ext](spec)
        result = _review(data, ext)
        assert [(f.rule_id, f.message) for f in result.findings] == [], ext
        facts = extract(read_bytes(data, f"d.{ext}"))
        intro_end = read_bytes(data, f"d.{ext}").text.index(listed) + len(listed)
        assert all(s.start > intro_end for s in facts.sections), ext


@pytest.mark.parametrize("ext", sorted(RENDERERS))
def test_a_title_that_opens_with_the_report_year(ext):
    spec = consistent_spec(seed=22)
    spec.headings.update({"一": f"一、{spec.year}年度政府信息公开工作总体情况",
                          "五": f"五、{spec.year}年政府信息公开工作存在的主要问题及改进情况"})
    result = _review(RENDERERS[ext](spec), ext)
    assert [(f.rule_id, f.message) for f in result.findings] == []
