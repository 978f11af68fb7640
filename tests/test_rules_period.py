"""period.* rules: title year, statistics period, and the years the narrative dates its work by."""

from __future__ import annotations

from rulehelpers import clean_spec, only, render, review


def _review(spec):
    return review(render(spec))


# --- period.title_vs_period ---------------------------------------------------------------------

def test_title_vs_period_fires_when_period_is_next_year():
    spec = clean_spec()
    spec.period_start, spec.period_end = "2024年1月1日", "2024年12月31日"
    spec.sections["一"].insert(1, "2023年，我局完成了政务公开专栏的改版。")
    (f,) = only(_review(spec), "period.title_vs_period")
    assert f.severity == "error"
    assert "2023" in f.message and "2024年1月1日" in f.message
    assert f.expected == "2023年1月1日至2023年12月31日"
    assert "2024年12月31日" in f.actual
    # section 一 narrates 2023 work as done, so the period is the likely culprit
    assert "统计期限很可能写错" in f.message
    texts = [loc.text for loc in f.locations]
    assert any("2023年政府信息公开工作年度报告" in t for t in texts)
    assert any(t.startswith("2024年1月1日") for t in texts)


def test_title_vs_period_silent_when_end_year_is_left_implicit():
    spec = clean_spec()
    spec.period_end = "12月31日"  # “自2023年1月1日起至12月31日止” is the same year
    assert _review(spec).findings == []


# --- period.missing -------------------------------------------------------------------------------

def test_missing_period_fires_without_a_statistics_period_sentence():
    spec = clean_spec()
    spec.intro = [p.replace("{period}", "") for p in spec.intro]
    (f,) = only(_review(spec), "period.missing")
    # a convention and local requirement (DB51/T 2660), not the 2021 format's: a note, never citing it
    assert f.severity == "info"
    assert "国办公开办函〔2021〕30号" not in f.message + f.suggestion and "标准格式要求" not in f.message
    assert "2023年1月1日" in f.suggestion and "2023年12月31日" in f.suggestion


def test_missing_period_silent_for_other_wording_of_the_period():
    spec = clean_spec()
    spec.intro = [p.replace("{period}", "本报告统计时间为2023年1月1日至2023年12月31日。") for p in spec.intro]
    assert _review(spec).findings == []


# --- period.malformed ----------------------------------------------------------------------------

def test_malformed_period_fires_for_half_a_year():
    spec = clean_spec()
    spec.period_end = "2023年6月30日"
    (f,) = only(_review(spec), "period.malformed")
    assert f.severity == "error"
    assert "完整的自然年度" in f.message and "6月30日" in f.message
    assert f.locations[0].text.startswith("2023年1月1日")


def test_malformed_period_fires_for_a_date_that_does_not_exist():
    spec = clean_spec()
    spec.period_end = "2023年2月30日"
    (f,) = only(_review(spec), "period.malformed")
    assert "日期不存在" in f.message


# --- period.unreadable ---------------------------------------------------------------------------

def test_unreadable_period_fires_when_period_is_named_but_has_no_dates():
    spec = clean_spec()
    spec.intro = [p.replace("{period}", "本报告统计期限为本年度全年。") for p in spec.intro]
    (f,) = only(_review(spec), "period.unreadable")
    assert f.severity == "warning" and "无法识别起止日期" in f.message


def test_unreadable_period_silent_for_a_year_or_months_without_days():
    for wording in ("本报告统计期限为2023年度。", "本报告数据统计时间为2023年1月至12月。"):
        spec = clean_spec()
        spec.intro = [p.replace("{period}", wording) for p in spec.intro]
        assert _review(spec).findings == [], wording


def test_malformed_period_silent_for_a_whole_calendar_year():
    assert _review(clean_spec()).findings == []


# --- period.title_year_missing -------------------------------------------------------------------

def test_title_year_missing_fires_when_the_title_has_no_year():
    spec = clean_spec()
    spec.title = f"{spec.agency}政府信息公开工作年度报告"
    (f,) = only(_review(spec), "period.title_year_missing")
    assert f.severity == "warning"


def test_title_year_missing_silent_for_a_year_in_chinese_numerals():
    spec = clean_spec()
    spec.title = f"{spec.agency}二〇二三年政府信息公开工作年度报告"
    result = _review(spec)
    assert result.findings == []
    assert result.report.year == 2023


# --- period.narrative_year -----------------------------------------------------------------------

def test_narrative_year_fires_for_next_year_work_stated_as_done():
    spec = clean_spec()
    spec.sections["五"].insert(1, "2024年，我局通过不断完善公开渠道、及时更新栏目内容，政务公开工作取得了一定的进步。")
    (f,) = only(_review(spec), "period.narrative_year")
    assert f.severity == "error"
    assert f.expected == "2023年" and f.actual == "2024年"
    assert "下一年度" in f.message
    (loc,) = f.locations
    assert loc.text == "2024年" and loc.section == "五"
    assert "2024年，我局通过" in f.evidence[0]


def test_stale_year_fires_for_last_year_work_stated_as_done():
    spec = clean_spec()
    spec.sections["一"].insert(1, "2022年，我局完成了门户网站政府信息公开专栏的改版。")
    (f,) = only(_review(spec), "period.stale_year")
    assert f.severity == "warning"
    assert f.actual == "2022年" and "上一年度" in f.message and f.locations[0].section == "一"


def test_stale_year_fires_for_an_opening_narrated_under_last_year():
    """“2022年，本局认真贯彻落实…” opening 总体情况 of a 2023 report: copied from last year's report."""
    spec = clean_spec()
    spec.sections["一"][0] = spec.sections["一"][0].replace("2023年，", "2022年，", 1)
    (f,) = only(_review(spec), "period.stale_year")
    assert f.locations[0].section == "一"


def test_stale_year_silent_for_comparisons_periods_and_last_years_review():
    spec = clean_spec()
    spec.sections["一"].insert(1, "2022年以来，我局坚持推行政务公开清单管理。")
    spec.sections["一"].insert(2, "本年度收到申请数较2022年有所增加，我局坚持依法答复。")
    spec.sections["五"].insert(0, "针对2022年度报告提出的问题，2023年已逐项整改，我局坚持举一反三。")
    assert not [f for f in _review(spec).findings if f.rule_id == "period.stale_year"]


def test_narrative_year_silent_for_next_year_plans():
    spec = clean_spec()
    # the generated section 五 already holds “2024年，我们将……”; add more plan phrasings
    spec.sections["五"].append("2024年，我局将进一步加强政策解读，力争实现解读材料与政策文件同步发布。")
    spec.sections["五"].append("下一步，我局计划在2024年完成政务公开专栏的全面梳理。")
    assert _review(spec).findings == []


def test_narrative_year_silent_for_comparisons_with_last_year():
    spec = clean_spec()
    spec.sections["一"].insert(1, "本年度主动公开政府信息数量较2022年有所增加，公开质量进一步提升。")
    assert _review(spec).findings == []


# --- period.plan_year ----------------------------------------------------------------------------

def test_plan_year_fires_for_a_plan_dated_in_the_report_year():
    spec = clean_spec()
    spec.sections["五"][1] = spec.sections["五"][1].replace("2024年，我们将", "2023年，我们将")
    (f,) = only(_review(spec), "period.plan_year")
    assert f.severity == "warning"
    assert f.expected == "2024年" and f.actual == "2023年"
    assert f.locations[0].text == "2023年" and f.locations[0].section == "五"


def test_plan_year_silent_for_a_plan_dated_next_year():
    spec = clean_spec()
    assert "2024年，我们将" in spec.sections["五"][1]
    assert _review(spec).findings == []


def test_narrative_year_fires_for_next_years_counted_work():
    spec = clean_spec()
    spec.sections["一"].append(f"{spec.year + 1}年，我局主动公开政府信息120条。")
    (f,) = only(_review(spec), "period.narrative_year")
    assert f.severity == "error" and f.locations[0].text == f"{spec.year + 1}年"


def test_narrative_year_silent_for_next_years_targets():
    spec = clean_spec()
    spec.sections["五"].append(f"{spec.year + 1}年目标：发布政策解读信息20篇。")
    assert _review(spec).findings == []


# --- issue 14: a report naming itself with the wrong year; N−1 for this year's figures anywhere ---

def test_narrative_year_fires_for_a_report_that_names_itself_next_year():
    spec = clean_spec()
    spec.sections["一"].append("2024年1月，编制完成2024年度政府信息公开工作年度报告并在门户网站公开。")
    (f,) = only(_review(spec), "period.narrative_year")
    assert f.severity == "error" and f.actual == "2024年度" and f.expected == "2023年度"


def test_narrative_year_silent_for_the_reports_own_and_last_years_report():
    spec = clean_spec()
    spec.sections["一"].append("2024年1月，按时编制完成2023年度政府信息公开工作年度报告。")
    spec.sections["六"].append("2023年1月按时发布2022年度政府信息公开工作年度报告。")
    spec.sections["五"].append("我局将于2025年1月编制2024年度政府信息公开工作年度报告。")
    result = _review(spec)
    assert not [f for f in result.findings if f.rule_id.startswith("period.") and f.severity != "info"]
    assert [y for y in result_years(spec) if y.kind == "report"]  # the report names were read


def test_stale_year_fires_for_last_years_figures_outside_the_opening():
    spec = clean_spec()
    spec.sections["二"].append("2022年，在主动公开的信息中，工作动态120条、通知公告36条。")
    (f,) = only(_review(spec), "period.stale_year")
    assert f.severity == "warning" and f.locations[0].section == "二"


def result_years(spec):
    from reviewer.extract import extract
    from reviewer.ingest import read_bytes

    return extract(read_bytes(render(spec).encode("utf-8"), "draft.txt")).years
