"""Text hygiene: format.doubled_word, format.list_ordinals."""

from __future__ import annotations

import pytest

from rulehelpers import RENDER, clean_spec, fired, only, render, review, review_spec


# --- format.doubled_word ------------------------------------------------------------------------

@pytest.mark.parametrize("fmt", sorted(RENDER))
def test_doubled_word_fires_for_a_word_typed_twice(fmt):
    spec = clean_spec()
    spec.sections["一"][3] = "（三）政府信息管理。严格落实信息发布审核审核制度，坚持“先审后发”，确保公开内容准确规范。"
    spec.sections["五"][0] += "部门预算资金资金分配结果公开不够细化的的问题仍然存在。"
    result = review_spec(spec, fmt)
    found = only(result, "format.doubled_word")
    assert [f.actual for f in found] == ["审核审核", "资金资金", "的的"]
    assert all(f.severity == "warning" for f in found)
    text = render(spec, fmt) if fmt == "txt" else None
    first = found[0].locations[0]
    assert first.section == "一" and first.block_id
    if text is not None:
        assert text[first.span[0]:first.span[1]] == "审核审核"


def test_doubled_word_silent_for_reduplication_and_words_that_meet():
    spec = clean_spec(agency="乌海市人民政府")
    spec.sections["一"].append(
        "我们常常深入基层，做到人人知晓、天天更新，遇到难题坐下来研究研究，一个一个解决，各个各个环节都有专人负责，"
        "的的确确把群众诉求落到实处，决不让诉求不了了之。乌海市人民政府政府信息公开专栏全年运行平稳，"
        "政务公开公开栏及时更新。")
    spec.sections["四"] = ["结果结果其他尚未", "总计总计"]  # header fragments a PDF extraction leaves outside the table
    result = review_spec(spec)
    assert not fired(result, "format.doubled_word"), [f.message for f in fired(result, "format.doubled_word")]


def test_doubled_word_never_reads_tables():
    text = render(clean_spec())
    doubled = text.replace("第一项加第二项之和", "第一项加第二项之和之和", 1)  # the note cell of table 三
    assert doubled != text
    result = review(doubled)
    assert result.findings == [], [f.message for f in result.findings]


# --- format.list_ordinals -----------------------------------------------------------------------

@pytest.mark.parametrize("sentence, words", [
    ("改进措施：一是完善制度；三是加强培训。", "缺少“二是”"),
    ("改进措施：一是完善制度；二是加强培训；三是强化监督；三是加大解读力度。", "“三是”重复出现"),
    ("改进措施：一是完善制度；二是加强培训；四是强化监督；五是加大解读力度。", "缺少“三是”"),
])
@pytest.mark.parametrize("fmt", sorted(RENDER))
def test_list_ordinals_fires_for_a_skipped_or_repeated_ordinal(sentence, words, fmt):
    spec = clean_spec()
    spec.sections["五"][1] = sentence
    (f,) = only(review_spec(spec, fmt), "format.list_ordinals")
    assert f.severity == "warning" and words in f.message and "第五部分" in f.message
    assert len(f.locations) == 2 and all(loc.section == "五" for loc in f.locations)


def test_list_ordinals_fires_once_for_a_repeated_subheading():
    spec = clean_spec()
    spec.sections["一"][3] = spec.sections["一"][3].replace("（三）", "（二）")  # （一）（二）（二）（四）（五）
    (f,) = only(review_spec(spec), "format.list_ordinals")
    assert "“（二）”重复出现" in f.message and "第一部分" in f.message


def test_list_ordinals_silent_for_restarts_nesting_and_references():
    spec = clean_spec()
    spec.sections["五"] = [
        "存在的主要问题：一是政策解读形式单一；二是栏目更新不够及时。其中之一是人员不足，唯一是靠加班弥补。",
        "2024年，我们将：一是丰富解读形式，具体包括：一是图解、二是视频；二是建立更新台账；三是按第二十条第（一）项"
        "要求公开规范性文件。",
        "（一）存在的问题。已在上文说明。",
        "（二）改进措施。已在上文说明。",
    ]
    result = review_spec(spec)
    assert not fired(result, "format.list_ordinals"), [f.message for f in result.findings]


def test_list_ordinals_silent_when_a_list_restarts_after_an_unrecognised_lead_in():
    spec = clean_spec()
    spec.sections["五"][1] = ("2024年，我们将：一是丰富解读形式；二是建立更新台账；三是加强培训。"
                             "同时要求各科室切实把一是及时发布、二是准确解读落到实处。")
    result = review_spec(spec)
    assert not fired(result, "format.list_ordinals"), [f.message for f in result.findings]


def test_list_ordinals_fires_for_a_subheading_that_goes_backwards():
    spec = clean_spec()
    spec.sections["一"][5] = spec.sections["一"][5].replace("（五）", "（二）")  # （一）…（四）（二）
    (f,) = only(review_spec(spec), "format.list_ordinals")
    assert "序号倒退" in f.message


def test_list_ordinals_silent_for_wrapped_clause_references_and_row_labels_outside_the_table():
    spec = clean_spec()
    spec.sections["二"] = ["本机关按照条例第二十条第", "（五）、（六）项的要求公开行政许可、行政处罚信息。"]
    spec.sections["三"] = ["（三）不", "予公开的申请均依法告知理由。"]
    result = review_spec(spec)
    assert not fired(result, "format.list_ordinals"), [f.message for f in result.findings]


def test_doubled_word_silent_where_a_place_or_body_meets_the_term_it_introduces():
    spec = clean_spec(agency="某市某局")
    spec.sections["一"].append("某市政府政府信息公开专栏和各部门部门预算决算公开专栏均按期更新，政务服务服务中心设置查阅点。")
    result = review_spec(spec)
    assert not fired(result, "format.doubled_word"), [f.message for f in result.findings]


# --- issue 14: lists restart under a new sub-heading; a heading may follow a closing bracket ---

@pytest.mark.parametrize("fmt", sorted(RENDER))
def test_list_ordinals_restart_under_each_sub_heading_even_when_the_first_is_glued_to_it(fmt):
    spec = clean_spec()
    spec.sections["五"] = ["（一）存在的问题一是公开内容不够全面，二是解读形式比较单一。"
                          "（二）改进措施一是加强公开力度，二是丰富解读形式，三是强化培训。"]
    result = review_spec(spec, fmt)
    assert not fired(result, "format.list_ordinals"), [f.message for f in result.findings]
    # still a real break inside the second list
    spec.sections["五"] = ["（一）存在的问题一是公开内容不够全面，二是解读形式比较单一。"
                          "（二）改进措施：一是加强公开力度，二是丰富解读形式，二是强化培训。"]
    (f,) = only(review_spec(spec, fmt), "format.list_ordinals")
    assert "“二是”重复出现" in f.message


def test_a_sub_heading_right_after_a_closing_bracket_is_still_a_heading():
    spec = clean_spec()
    spec.sections["五"] = ["（一）存在问题：培训不足（每季度仅一次）（三）改进措施：加强公开力度。"]
    (f,) = only(review_spec(spec), "format.list_ordinals")
    assert "缺少“（二）”" in f.message
    spec.sections["五"] = ["（一）存在问题：培训不足（每季度仅一次）（二）改进措施：加强公开力度（三）其他：无。"]
    assert not fired(review_spec(spec), "format.list_ordinals")
