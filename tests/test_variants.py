"""Wordings real drafts use that differ from the template but are not errors."""

from __future__ import annotations

from reportgen import consistent_spec, to_md, to_txt_flattened
from reviewer.extract import extract
from reviewer.ingest import read_bytes
from reviewer.pipeline import ReviewOptions, review_bytes

HEADINGS = ("一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
            "四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况", "六、其他需要报告的事项")
NUMERALS = "一二三四五六"


def _rewrite(data: bytes, old_new) -> bytes:
    text = data.decode("utf-8")
    for old, new in old_new:
        text = text.replace(old, new)
    return text.encode("utf-8")


def _review(data: bytes, name="draft.txt"):
    return review_bytes(data, name, ReviewOptions(use_llm=False))


def test_headings_written_as_di_yi_bu_fen_are_sections():
    data = _rewrite(to_txt_flattened(consistent_spec(seed=2)),
                    [(h, f"第{NUMERALS[i]}部分 {h[2:]}") for i, h in enumerate(HEADINGS)])
    review = _review(data)
    assert review.findings == [], [f.message for f in review.findings]


def test_headings_with_arabic_numerals_are_sections():
    data = _rewrite(to_md(consistent_spec(seed=3)), [(h, f"{i + 1}、{h[2:]}") for i, h in enumerate(HEADINGS)])
    review = _review(data, "draft.md")
    assert {f.rule_id for f in review.findings} <= {"structure.section_numbering"}
    assert review.findings == [] or review.findings[0].severity == "warning"


def test_agency_from_the_signature_when_the_title_names_none():
    spec = consistent_spec(seed=4, agency="某县发展和改革局")
    spec.title = f"{spec.year}年政府信息公开工作年度报告"
    spec.sections["六"].append(f"某县发展和改革局 {spec.year + 1}年1月17日")
    facts = extract(read_bytes(to_txt_flattened(spec), "d.txt"))
    assert facts.agency == "某县发展和改革局" and facts.year == spec.year


def test_title_with_guanyu_keeps_the_agency():
    spec = consistent_spec(seed=5, agency="某市人民政府办公室")
    spec.title = f"某市人民政府办公室关于{spec.year}年政府信息公开工作年度报告"
    facts = extract(read_bytes(to_txt_flattened(spec), "d.txt"))
    assert facts.agency == "某市人民政府办公室"


def test_money_cell_with_its_unit_is_read_as_a_number():
    spec = consistent_spec(seed=6)
    spec.table2["fees"]["amount"] = 12.5
    data = _rewrite(to_md(spec), [("| 12.5 |", "| 12.5万元 |")])
    facts = extract(read_bytes(data, "d.md"))
    assert facts.tables["table2_8"].value("fees", "amount") == 12.5
    assert _review(data, "d.md").findings == []


def test_headings_numbered_by_word_lists_are_sections():
    """Word's automatic numbering is not in the text: “总体情况” alone on its line is section 一."""
    data = _rewrite(to_txt_flattened(consistent_spec(seed=8)), [(h, h[2:]) for h in HEADINGS])
    review = _review(data)
    assert review.findings == [], [f.message for f in review.findings]
    facts = extract(read_bytes(data, "d.txt"))
    assert [s.key for s in facts.sections] == list(NUMERALS) and all(s.number is None for s in facts.sections)


def test_title_starting_with_guanyu_names_the_agency_without_it():
    spec = consistent_spec(seed=9, agency="某县司法局")
    spec.title = f"关于某县司法局{spec.year}年政府信息公开工作年度报告"
    assert extract(read_bytes(to_txt_flattened(spec), "d.txt")).agency == "某县司法局"


def test_period_introduced_without_the_word_tongji():
    spec = consistent_spec(seed=10)
    spec.intro = [p.replace("{period}", f"本报告所列数据时间范围为{spec.year}年1月1日至{spec.year}年12月31日。")
                  for p in spec.intro]
    review = _review(to_txt_flattened(spec))
    assert review.findings == [] and review.report.period.start == f"{spec.year}-01-01"


def test_title_ending_in_nianbao():
    spec = consistent_spec(seed=11, agency="某市审计局")
    spec.title = f"某市审计局{spec.year}年度政府信息公开工作年报"
    facts = extract(read_bytes(to_txt_flattened(spec), "d.txt"))
    assert (facts.agency, facts.year) == ("某市审计局", spec.year)
