"""What sections must say and what the report is called: structure.fee_statement_missing,
structure.problems_empty, structure.title_wording."""

from __future__ import annotations

import pytest

from rulehelpers import RENDER, clean_spec, fired, only, render, review, review_spec, to_txt_2019


def _fee_free(spec):
    """Section 六 without the 信息处理费 sentence."""
    spec.sections["六"] = ["本年度无其他需要报告的事项。"]
    return spec


# --- structure.fee_statement_missing ------------------------------------------------------------

@pytest.mark.parametrize("fmt", sorted(RENDER))
def test_fee_statement_missing_fires_when_no_part_of_the_report_mentions_fees(fmt):
    result = review_spec(_fee_free(clean_spec()), fmt)
    (f,) = only(result, "structure.fee_statement_missing")
    assert f.severity == "warning"
    assert f.locations[0].section == "六" and f.locations[0].text.startswith("六、")
    assert "信息处理费" in f.message and f.suggestion


@pytest.mark.parametrize("sentence", [
    "本年度未收取信息处理费。",
    "本机关2023年度没有收取政府信息公开信息处理费。",
    "本年度收取信息处理费0元。",
    "发出收费通知0件，实际收取0元。",
    "依申请公开政府信息均不收取费用。",
    "信息处理费：无。",
])
def test_fee_statement_missing_silent_for_any_wording_of_the_statement(sentence):
    spec = _fee_free(clean_spec())
    spec.sections["六"].insert(0, sentence)
    assert review_spec(spec).findings == []


def test_fee_statement_missing_silent_when_the_statement_is_in_another_section():
    spec = _fee_free(clean_spec())
    spec.sections["一"][2] += "办理过程中未向申请人收取任何费用。"
    assert review_spec(spec).findings == []


def test_fee_statement_missing_silent_for_the_2019_trial_format():
    spec = _fee_free(clean_spec(year=2020))
    result = review(to_txt_2019(spec))
    assert result.format == "gov-disclosure-2019"
    assert not fired(result, "structure.fee_statement_missing")


# --- structure.problems_empty -------------------------------------------------------------------

@pytest.mark.parametrize("body", [[], ["无。"], ["暂无"], ["本年度无。"]])
def test_problems_empty_fires_for_an_empty_or_nothing_section_five(body):
    spec = clean_spec()
    spec.sections["五"] = body
    (f,) = only(review_spec(spec), "structure.problems_empty")
    assert f.severity == "warning" and f.locations[0].section == "五"
    assert ("为空" in f.message) == (not body)


@pytest.mark.parametrize("fmt", sorted(RENDER))
def test_problems_empty_silent_for_a_short_concrete_section(fmt):
    spec = clean_spec()
    spec.sections["五"] = ["网站无障碍改造尚未完成。2024年，我们将完成改造。"]
    assert review_spec(spec, fmt).findings == []


# --- structure.title_wording --------------------------------------------------------------------

@pytest.mark.parametrize("title, severity, words", [
    ("某市某局2023年政务公开工作报告", "warning", "政务公开"),
    ("某市某局2023年政务公开工作年度报告", "warning", "政务公开"),
    ("某市某局2023年政府信息公开工作总结", "warning", "工作总结"),
    ("某市某局2023年信息公开工作年度报告", "info", "缺少“政府”"),
    ("某市某局2023年政府信息公开工作报告", "info", "年度报告"),
])
def test_title_wording_fires_for_another_documents_name(title, severity, words):
    spec = clean_spec(agency="某市某局")
    spec.title = title
    result = review_spec(spec)
    (f,) = fired(result, "structure.title_wording")
    assert f.severity == severity and words in f.message
    text = render(spec)
    assert text[f.locations[0].span[0]:f.locations[0].span[1]] == title


@pytest.mark.parametrize("title", [
    "某市某局2023年度政府信息公开工作年度报告",
    "某市某局2023年政府信息公开工作年报",
    "某市某局2023年政府信息公开年度报告",
    "某市某局2023年度政府信息公开工作报告",
    "关于某市某局2023年政府信息公开工作年度报告",
    "2023年某市某局政府信息公开工作年度报告",
])
@pytest.mark.parametrize("fmt", sorted(RENDER))
def test_title_wording_silent_for_the_legitimate_variants(title, fmt):
    spec = clean_spec(agency="某市某局")
    spec.title = title
    result = review_spec(spec, fmt)
    assert not fired(result, "structure.title_wording"), [f.message for f in result.findings]


def test_fee_statement_missing_silent_when_section_six_gives_the_fees_as_a_table():
    spec = _fee_free(clean_spec())
    text = render(spec).replace("本年度无其他需要报告的事项。\n",
                                "本年度无其他需要报告的事项。\n\t发出收费通知件数\n\t实际收取金额（元）\n\n\t0\n\t0\n\n\n")
    assert not fired(review(text), "structure.fee_statement_missing")


def test_problems_empty_silent_when_section_five_lists_the_problems_in_a_table():
    spec = clean_spec()
    spec.sections["五"] = []
    heading = "五、存在的主要问题及改进情况\n"
    text = render(spec)
    assert heading in text
    text = text.replace(heading, heading + "\t存在的问题\n\t改进措施\n\n\t栏目更新不及时\n\t建立更新台账\n\n\n")
    assert not fired(review(text), "structure.problems_empty")
