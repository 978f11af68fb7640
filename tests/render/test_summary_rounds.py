"""Batch summaries carry each report's round (issue 15): version, open errors, the delta, decisions."""

from __future__ import annotations

import csv
import io
import sys
from pathlib import Path

import openpyxl

from reviewer.fingerprint import compare
from reviewer.pipeline import ReviewOptions, review_bytes
from reviewer.render.summary import REPORT_COLUMNS, csv_text, xlsx_bytes

sys.path.append(str(Path(__file__).resolve().parents[1] / "service"))
from rounds_drafts import DISMISSED_RULE, REASON, V1, version_two  # noqa: E402


def test_xlsx_and_csv_show_the_delta_and_the_decisions():
    opts = ReviewOptions(use_llm=False)
    v1 = review_bytes(V1.read_bytes(), V1.name, opts)
    v2 = review_bytes(version_two().encode(), "修改稿.txt", opts)
    dismissed = next(f.fingerprint for f in v2.findings if f.rule_id == DISMISSED_RULE)
    delta = dict(compare([f.fingerprint for f in v1.findings], [f.fingerprint for f in v2.findings], {dismissed}),
                 previous_review_id=v1.review_id)
    rounds = {v2.review_id: {"version": 2, "open_counts": {"error": 1, "warning": 0, "info": 0}, "delta": delta,
                             "decisions": {dismissed: {"decision": "dismissed", "reason": REASON}}}}
    rows = list(csv.reader(io.StringIO(csv_text([v2], rounds=rounds).lstrip("\ufeff"))))
    head = dict(zip(rows[0], rows[1]))
    assert (head["版本"], head["待改错误"], head["已修改"], head["新增"], head["仍存在"], head["已忽略"]) == \
        ("2", "1", "10", "0", "1", "1")
    frows = list(csv.reader(io.StringIO(csv_text([v2], "findings", rounds).lstrip("\ufeff"))))
    col = {name: i for i, name in enumerate(frows[0])}
    decided = {r[col["规则"]]: (r[col["与上一稿相比"]], r[col["处理意见"]]) for r in frows[1:]}
    assert decided[DISMISSED_RULE] == ("", f"不采纳：{REASON}")
    assert decided["period.title_vs_period"] == ("仍存在", "")
    wb = openpyxl.load_workbook(io.BytesIO(xlsx_bytes([v2], rounds)))
    assert list(wb["报告汇总"].iter_rows(values_only=True))[0][-6:] == ("版本", "待改错误", "已修改", "新增", "仍存在", "已忽略")
    # without round information (the CLI batch) the columns are as before
    assert next(csv.reader(io.StringIO(csv_text([v2]).lstrip("\ufeff")))) == REPORT_COLUMNS
