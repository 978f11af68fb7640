"""The 2019 trial layout (国办公开办函〔2019〕60号, correct for 2019 and 2020 reports) in every input
form, crawled one-line text included: a table that is there but cannot be read is a readability
warning (format.table_unreadable), never structure.missing_table."""

from __future__ import annotations

from pathlib import Path

import pytest

from reportgen import RENDERERS, consistent_spec, to_crawled, trial_spec
from reviewer.extract import extract
from reviewer.extract.splitting import split_runs
from reviewer.ingest import read_bytes
from reviewer.pipeline import ReviewOptions, review_bytes


def _review(data: bytes, ext: str = "txt"):
    result = review_bytes(data, f"draft.{ext}", ReviewOptions(use_llm=False))
    assert result.status == "ok", result.error
    return result


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("ext", sorted(RENDERERS))
def test_a_2020_report_in_the_trial_layout_is_clean_in_every_format(ext, seed):
    result = _review(RENDERERS[ext](trial_spec(seed=seed)), ext)
    assert result.format == "gov-disclosure-2019"
    assert [(f.rule_id, f.message) for f in result.findings] == []


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_a_crawled_2020_trial_report_reads_as_far_as_it_can_and_says_so(seed):
    """Like pingtan-2021.txt: the body on one line, cells glued — “政府集中采购13575394432.52”."""
    spec = trial_spec(seed=seed)
    data = to_crawled(spec)
    assert "政府集中采购13575394432.52" in data.decode()
    result = _review(data)
    assert result.format == "gov-disclosure-2019"
    assert [f.rule_id for f in result.findings if f.severity == "error"] == []
    assert [f.rule_id for f in result.findings if f.category == "structure"] == []
    unreadable = [f for f in result.findings if f.rule_id == "format.table_unreadable"]
    assert unreadable and all(f.severity == "warning" for f in unreadable)
    assert any("第二十条第（九）项" in f.message for f in unreadable)
    # the tables the relations can split are read, with the spec's numbers
    facts = extract(read_bytes(data, "d.txt"))
    t3 = facts.tables["table3"]
    assert t3.readable and t3.value("new", "total") == spec.table3["new"]["total"]
    assert t3.value("other_handling", "total") == spec.table3["other_handling"]["total"]
    assert facts.tables["table4"].readable


def test_a_crawled_2021_report_is_read_the_same_way():
    result = _review(to_crawled(consistent_spec(seed=4)))
    assert [f.rule_id for f in result.findings if f.severity == "error" or f.category == "structure"] == []


def test_a_crawled_2023_report_in_the_trial_layout_is_outdated():
    result = _review(to_crawled(trial_spec(year=2023, seed=1)))
    assert [f.rule_id for f in result.findings if f.severity == "error"] == ["structure.outdated_template"]
    assert not [f for f in result.findings if f.rule_id == "structure.missing_table"]


def test_a_table_whose_values_cannot_be_read_is_present_not_missing():
    text = to_crawled(trial_spec(seed=2)).decode().replace("政府集中采购13575394432.52", "政府集中采购（详见附件）")
    result = _review(text.encode())
    assert not [f for f in result.findings if f.rule_id == "structure.missing_table"]
    (f,) = [f for f in result.findings if f.rule_id == "format.table_unreadable" and "（九）" in f.message]
    assert f.severity == "warning" and "未能读出" in f.message
    assert f.locations and f.locations[0].text.startswith("第二十条第（九）项")


def test_a_table_really_absent_is_still_missing():
    spec = trial_spec(seed=2)
    text = RENDERERS["txt"](spec).decode()
    start = text.index("\t第二十条第（九）项")
    end = text.index("三、收到和处理政府信息公开申请情况")
    result = _review((text[:start] + text[end:]).encode())
    (f,) = [f for f in result.findings if f.rule_id == "structure.missing_table"]
    assert "第二十条第（九）项" in f.message


def test_a_glued_count_and_amount_split_every_way_the_digits_allow():
    cands = split_runs(["13575394432.52"], 2, lambda values: True)
    values = [[c[0] for c in cand] for cand in cands]
    assert [1357, 5394432.52] in values and len(values) > 1  # many splits: unreadable, never guessed
    assert all(sum(isinstance(x, float) for x in v) == 1 for v in values)  # the point stays in one number
    assert split_runs(["0.5"], 1, lambda v: True)[0][0][0] == 0.5


@pytest.mark.parametrize("ext", ["docx", "html", "md"])
def test_a_decrease_in_the_trial_layouts_change_column_is_not_a_negative_count(ext):
    """本年增/减 is a change: “-3” is a decrease, not a negative count."""
    spec = trial_spec(seed=3)
    spec.table2["license"]["change"] = -3
    result = _review(RENDERERS[ext](spec), ext)
    assert [(f.rule_id, f.message) for f in result.findings] == []
    facts = extract(read_bytes(RENDERERS[ext](spec), f"d.{ext}"))
    assert facts.tables["table2_5"].value("license", "change") == -3


FIXTURES = Path(__file__).parent / "fixtures"


def test_the_realistic_2020_trial_reports_crawled_and_as_a_page():
    """tests/fixtures/trial-2020-crawled.txt (pingtan-2021.txt's crawler layout) and trial-2020.html
    (a CMS article page) are the same correct 2020 report in the trial layout, with variant headings
    (“四、因政府信息公开工作被申请行政复议、提起行政诉讼情况”, “五、存在的主要问题及下一步工作打算”)."""
    page = _review((FIXTURES / "trial-2020.html").read_bytes(), "html")
    assert page.format == "gov-disclosure-2019" and page.findings == []
    crawled = _review((FIXTURES / "trial-2020-crawled.txt").read_bytes())
    assert crawled.format == "gov-disclosure-2019"
    warnings = {(f.rule_id, f.severity) for f in crawled.findings if f.severity != "info"}
    assert warnings == {("format.table_unreadable", "warning")}
    assert any("第二十条第（九）项" in f.message for f in crawled.findings)
