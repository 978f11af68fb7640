"""Years that correct reports use for other years (docs/real-reports.md §A “Years”): no period error or
warning, in any section and input format; the real problems stay caught."""

from __future__ import annotations

import pytest

from reportgen import RENDERERS, consistent_spec
from reviewer.pipeline import ReviewOptions, review_bytes

N = 2024
# (section, sentence) — each a family of wordings for one legitimate use of another year
LEGITIMATE = [
    ("五", "针对2023年度报告提出的问题，2024年已整改。"),
    ("五", "针对上年度报告指出的问题，2024年已全部整改到位。"),
    ("五", "2023年，我局政务公开工作存在解读形式单一的问题，本年度已通过图解、视频解读加以改进。"),
    ("五", "2023年度报告中提出的“丰富解读形式”计划已于2024年落实。"),
    ("五", "2023年计划开展的业务培训已于2024年全部完成。"),
    ("一", "2023年结转的2件申请已于2024年1月办结。"),
    ("一", "2023年结转至本年度的申请均已按期办结。"),
    ("一", "2023年以来，我局建立了政务公开工作台账制度。"),
    ("一", "2023年起，我局建立信息发布三级审核机制，全年未发生泄密事件。"),
    ("一", "2023年起，我局建立了信息发布三级审核机制，共审核信息120条。"),
    ("一", "自2023年起，我局每季度开展一次公开情况自查。"),
    ("一", "2023年开始，我局实行了公开属性源头认定。"),
    ("一", "本年度收到申请较2023年增加3件。"),
    ("一", "与2023年相比，主动公开信息增加120条。"),
    ("一", "2024年1月按时发布2023年度报告。"),
    ("一", "2024年1月，我局按时发布了2023年度政府信息公开工作年度报告。"),
    ("一", "2023年度政府信息公开工作年度报告已于2024年1月在门户网站发布。"),
    ("五", "2025年，我们将继续丰富政策解读形式。"),
    ("六", "2023年度报告发布后，未收到社会公众的意见反馈。"),
]


def _bad_period(result):
    return [(f.severity, f.rule_id, f.message) for f in result.findings
            if f.category == "period" and f.severity in ("error", "warning")]


@pytest.mark.parametrize("ext", ["txt", "docx", "html", "md"])
@pytest.mark.parametrize("section,sentence", LEGITIMATE, ids=[s for _, s in LEGITIMATE])
def test_legitimate_use_of_another_year_gives_no_period_finding(section, sentence, ext):
    spec = consistent_spec(year=N, seed=21)
    spec.sections[section].insert(1 if section == "一" else 0, sentence)
    result = review_bytes(RENDERERS[ext](spec), f"d.{ext}", ReviewOptions(use_llm=False))
    assert result.status == "ok"
    assert _bad_period(result) == []


@pytest.mark.parametrize("section,sentence,rule,severity", [
    ("五", "2025年，我局完成了政府网站集约化改版工作。", "period.narrative_year", "error"),
    ("一", "2023年，本局认真贯彻落实《条例》，主动公开政府信息120条。", "period.stale_year", "warning"),
    ("一", "2023年，本局认真贯彻落实《条例》，围绕中心工作不断加大公开力度。", "period.stale_year", "warning"),
    ("五", "2024年，我们将丰富政策解读形式。", "period.plan_year", "warning"),
])
def test_real_year_problems_are_still_caught(section, sentence, rule, severity):
    spec = consistent_spec(year=N, seed=21)
    spec.sections[section].insert(1 if section == "一" else 0, sentence)
    result = review_bytes(RENDERERS["txt"](spec), "d.txt", ReviewOptions(use_llm=False))
    assert [(f.rule_id, f.severity) for f in result.findings if f.category == "period"] == [(rule, severity)]
