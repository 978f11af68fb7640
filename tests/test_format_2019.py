"""The 2019 trial layout (国办公开办函〔2019〕60号): correct for 2019/2020 reports, outdated after."""

from __future__ import annotations

from reviewer.formats import GOV_2019
from reviewer.pipeline import ReviewOptions, review_bytes


def draft_2019_layout(year: int, carried_natural: int = 1) -> bytes:
    t3 = GOV_2019.table("table3")
    rows = []
    values = {r.key: [0] * 7 for r in t3.data_rows()}
    values["new"] = [3, 1, 0, 0, 0, 0, 4]
    values["carried"] = [carried_natural, 0, 0, 0, 0, 0, carried_natural]
    values["disclosed"] = [2, 1, 0, 0, 0, 0, 3]
    values["other_handling"] = [1, 0, 0, 0, 0, 0, 1]
    values["results_total"] = [3, 1, 0, 0, 0, 0, 4]
    values["forward"] = [1, 0, 0, 0, 0, 0, 1]
    for r in t3.data_rows():
        rows.append(f"| {r.full_label} | " + " | ".join(str(v) for v in values[r.key]) + " |")
    table3 = "\n".join(["| 项目 | 自然人 | 商业企业 | 科研机构 | 社会公益组织 | 法律服务机构 | 其他 | 总计 |",
                        "|---|---|---|---|---|---|---|---|", *rows])
    text = f"""某县示例局{year}年政府信息公开工作年度报告

本报告所列数据统计期限自{year}年1月1日起至{year}年12月31日止。

一、总体情况

{year}年，我局认真贯彻落实《条例》，共收到政府信息公开申请4件。

二、主动公开政府信息情况

| 第二十条第（一）项 | | | |
|---|---|---|---|
| 信息内容 | 本年新制作数量 | 本年新公开数量 | 对外公开总数量 |
| 规章 | 0 | 0 | 0 |
| 规范性文件 | 2 | 2 | 15 |

| 第二十条第（五）项 | | | |
|---|---|---|---|
| 信息内容 | 上一年项目数量 | 本年增/减 | 处理决定数量 |
| 行政许可 | 10 | 1 | 30 |
| 其他对外管理服务事项 | 0 | 0 | 0 |

| 第二十条第（六）项 | | | |
|---|---|---|---|
| 信息内容 | 上一年项目数量 | 本年增/减 | 处理决定数量 |
| 行政处罚 | 5 | 0 | 12 |
| 行政强制 | 0 | 0 | 0 |

| 第二十条第（八）项 | | |
|---|---|---|
| 信息内容 | 上一年项目数量 | 本年增/减 |
| 行政事业性收费 | 0 | 0 |

| 第二十条第（九）项 | | |
|---|---|---|
| 信息内容 | 采购项目数量 | 采购总金额 |
| 政府集中采购 | 3 | 12.5 |

三、收到和处理政府信息公开申请情况

{table3}

四、政府信息公开行政复议、行政诉讼情况

| 行政复议 | | | | | 行政诉讼 | | | | | | | | | |
|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|
| 结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计 | 结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计 | 结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计 |
| 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |

五、存在的主要问题及改进情况

政策解读形式单一。{year + 1}年，我们将丰富解读形式。

六、其他需要报告的事项

本年度未收取信息处理费。
"""
    return text.encode("utf-8")


def review(data: bytes):
    return review_bytes(data, "draft.md", ReviewOptions(use_llm=False))


def test_a_2020_report_in_the_2019_layout_is_checked_as_such():
    r = review(draft_2019_layout(2020))
    assert r.status == "ok" and r.format == "gov-disclosure-2019"
    assert [f.rule_id for f in r.findings] == []


def test_the_2019_layout_relations_are_evaluated():
    r = review(draft_2019_layout(2020, carried_natural=2))
    broken = sorted(loc.column for f in r.findings if f.rule_id == "table3.balance" for loc in f.locations[:1])
    assert broken == ["natural", "total"]  # 3+2 ≠ 3+1 in the 自然人 and 总计 columns


def test_a_2023_report_in_the_2019_layout_is_outdated():
    r = review(draft_2019_layout(2023))
    outdated = [f for f in r.findings if f.rule_id == "structure.outdated_template"]
    assert len(outdated) == 1 and outdated[0].severity == "error"
    assert "国办公开办函〔2021〕30号" in outdated[0].message


# --- prose counts of a 2019/2020 report are checked against the trial format's own metrics (issue 14) ---

import sys  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

sys.path.insert(0, str(Path(__file__).parent))
from reportgen import to_docx, to_html, to_txt_flattened, trial_spec  # noqa: E402

_RENDER = {"txt": to_txt_flattened, "docx": to_docx, "html": to_html}


@pytest.mark.parametrize("kind", sorted(_RENDER))
def test_a_wrong_count_in_a_2020_report_is_an_error(kind: str) -> None:
    spec = trial_spec(seed=3, zero_applications=False)
    new = spec.table3["new"]["total"]
    right = _RENDER[kind](spec)
    before = review_bytes(right, f"r.{kind}", ReviewOptions(use_llm=False))
    assert before.format == GOV_2019.id
    assert not [f for f in before.findings if f.rule_id == "crossref.claim_vs_table"]
    assert before.report.cells["table3/new/total"] == new  # the table was read: silence is not blindness
    spec.sections["一"] = [p.replace(f"共收到政府信息公开申请{new}件", f"共收到政府信息公开申请{new + 5}件")
                          for p in spec.sections["一"]]
    after = review_bytes(_RENDER[kind](spec), f"w.{kind}", ReviewOptions(use_llm=False))
    errors = [f for f in after.findings if f.rule_id == "crossref.claim_vs_table"]
    assert len(errors) == 1 and errors[0].severity == "error" and errors[0].actual == str(new + 5)


def test_the_trial_format_declares_metrics_of_its_own_tables() -> None:
    from reviewer.formats import GOV_2019 as fmt

    assert fmt.metric("apply.other").cells == ("table3/other_handling/total",)
    assert fmt.metric("normative.issued").cells == ("table2_1/normative/made",)
    cells = {c for m in fmt.metrics for c in m.cells}
    tables = {t.id: t for t in fmt.tables}
    for ref in cells:  # every metric addresses a cell the trial format really has
        table, row, col = ref.split("/")
        tables[table].row(row), tables[table].column(col)


def test_the_llm_prompt_and_table_summary_take_the_metrics_of_the_reports_own_format() -> None:
    from reviewer.extract import extract
    from reviewer.ingest import read_bytes
    from reviewer.llm.narrative import table_summary
    from reviewer.llm.prompts import load_prompt

    trial = load_prompt("narrative", "v2", None, GOV_2019.id).system
    current = load_prompt("narrative", "v2").system
    assert "本年新制作规范性文件数量" in trial and "本年新制作规范性文件数量" not in current
    assert "现行有效规章件数" in current and "现行有效规章件数" not in trial
    spec = trial_spec(seed=3, zero_applications=False)
    facts = extract(read_bytes(to_docx(spec), "r.docx"))
    summary = table_summary(facts)
    assert f"normative.issued={spec.table2['normative']['made']}" in summary
    assert f"apply.other={spec.table3['other_handling']['total']}" in summary


def test_carry_over_is_compared_across_formats_by_metric() -> None:
    # a 2020 report in the trial format carries over into the 2021 report (both address apply.* metrics)
    from reviewer.crossreport.continuity import _metric
    from reviewer.crossreport.model import Report
    from reviewer.extract import extract
    from reviewer.ingest import read_bytes

    spec = trial_spec(seed=3, zero_applications=False)
    doc = read_bytes(to_docx(spec), "r.docx")
    facts = extract(doc)
    report = Report(doc=doc, facts=facts, review=review_bytes(to_docx(spec), "r.docx", ReviewOptions(use_llm=False)))
    assert _metric(report, "apply.forward").value == spec.table3["forward"]["total"]


@pytest.mark.parametrize("kind", sorted(_RENDER))
def test_the_trial_layout_in_a_2021_report_is_one_finding(kind: str) -> None:
    # section 二 in the trial layout (with its 第二十条第（九）项), table 三 in the 2021 one: the outdated template is
    # the one problem — the old format's own rows and tables are not demanded on top
    from reportgen import T3_ROWS, ReportSpec, consistent_spec

    class Mixed(ReportSpec):
        t3_rows = property(lambda self: T3_ROWS)

    spec = trial_spec(year=2021, seed=3, zero_applications=False)
    spec.table3 = consistent_spec(year=2021, seed=3, zero_applications=False).table3
    spec.__class__ = Mixed
    result = review_bytes(_RENDER[kind](spec), f"m.{kind}", ReviewOptions(use_llm=False))
    structure = [f.rule_id for f in result.findings if f.category == "structure" and f.severity != "info"]
    assert structure == ["structure.outdated_template"], [f.message for f in result.findings]


def test_a_future_revision_is_one_more_format_with_its_markers_and_years(monkeypatch) -> None:
    from dataclasses import replace

    import reviewer.formats as formats

    future = replace(formats.GOV_2021, id="gov-disclosure-2031", valid_years=(2031, 9999),
                     markers=("本年新增数据项甲", "本年新增数据项乙"))
    current = replace(formats.GOV_2021, valid_years=(2021, 2030))
    monkeypatch.setitem(formats.FORMATS, future.id, future)
    monkeypatch.setitem(formats.FORMATS, current.id, current)
    assert formats.format_for_year(2031) is future and formats.format_for_year(2025) is current
    assert formats.format_for_year(2019) is formats.GOV_2019 and formats.format_for_year(2012) is formats.GOV_2019
    assert formats.detect_layout("……本年新增数据项甲……本年新增数据项乙……") is future
    assert formats.detect_layout("本年新制作数量 本年新公开数量 对外公开总数量") is formats.GOV_2019
    assert formats.detect_layout("没有任何标记") is formats.DEFAULT_FORMAT
