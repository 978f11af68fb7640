"""Rule profiles (reviewer/checks/profile.py) in the core and the CLI: select / ignore / re-grade by id
or prefix, the most specific entry winning; the review records the profile; config from reviewer.toml
or [tool.reviewer] in pyproject.toml, --select / --ignore / --statistics."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from reviewer.checks.profile import ProfileError, RuleProfile, from_mapping
from reviewer.pipeline import ReviewOptions, review_path

SAMPLE = Path(__file__).resolve().parent.parent / "examples" / "wuhai-gxj-2023.txt"


def run_cli(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "reviewer.cli", *args], capture_output=True, text=True,
                          timeout=120, cwd=cwd)


def test_the_most_specific_entry_wins():
    p = RuleProfile(select=["table3"], ignore=["table3.balance"])
    assert p.enabled("table3.row_total") and not p.enabled("table3.balance") and not p.enabled("period.missing")
    p = RuleProfile(ignore=["period"], select=["ALL", "period.missing"])
    assert p.enabled("period.missing") and not p.enabled("period.stale_year") and p.enabled("format.blank_cell")
    p = RuleProfile(severity={"period": "warning", "period.missing": "error"})
    assert p.severity_of("period.missing") == "error" and p.severity_of("period.stale_year") == "warning"


def test_a_profile_naming_no_rule_is_refused_in_chinese_and_english():
    with pytest.raises(ProfileError) as exc:
        from_mapping({"ignore": ["period.mising"]}, "x")
    assert "period.missing" in exc.value.message_zh and "unknown rule id" in exc.value.message_en
    with pytest.raises(ProfileError):
        from_mapping({"severity": {"period.missing": "fatal"}}, "x")
    with pytest.raises(ProfileError):
        from_mapping({"selekt": ["ALL"]}, "x")


def test_ignoring_the_root_cause_leaves_its_relations_standing_on_their_own():
    review = review_path(SAMPLE, ReviewOptions(use_llm=False, profile=RuleProfile(ignore=["arithmetic.root_cause"])))
    assert not any(f.rule_id == "arithmetic.root_cause" for f in review.findings)
    assert all(f.derived_from is None for f in review.findings)
    assert review.profile.hidden == 1


def test_regrading_keeps_the_declared_severity_and_the_review_records_the_profile():
    profile = RuleProfile(name="某省规范", severity={"period.title_vs_period": "warning"})
    review = review_path(SAMPLE, ReviewOptions(use_llm=False, profile=profile))
    (f,) = [f for f in review.findings if f.rule_id == "period.title_vs_period"]
    assert (f.severity, f.declared_severity) == ("warning", "error")
    assert review.profile.name == "某省规范" and review.profile.regraded == 1 and review.profile.hidden == 0
    assert review_path(SAMPLE, ReviewOptions(use_llm=False)).profile is None


def test_cli_reads_tool_reviewer_from_pyproject_and_flags_override(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.reviewer]\nname = "本省规范"\nignore = ["format"]\n'
                                             'severity = { "period.title_vs_period" = "warning" }\n', encoding="utf-8")
    proc = run_cli("review", str(SAMPLE), "--no-llm", "--format", "json", cwd=tmp_path)
    review = json.loads(proc.stdout)["reviews"][0]
    assert review["profile"]["name"] == "本省规范"
    assert not any(f["rule_id"].startswith("format.") for f in review["findings"])
    text = run_cli("review", str(SAMPLE), "--no-llm", cwd=tmp_path).stdout
    assert "规则配置：本省规范" in text and "按配置未显示1条" in text
    stats = run_cli("review", str(SAMPLE), "--no-llm", "--statistics", "--select", "table3,crossref", cwd=tmp_path)
    lines = stats.stdout.strip().splitlines()
    assert stats.returncode == 1 and lines[0].split()[:2] == ["2", "crossref.claim_vs_table"]
    assert {line.split()[1] for line in lines} == {"crossref.claim_vs_table", "crossref.parts_exceed_whole",
                                                   "table3.row_total", "table3.balance", "table3.results_total"}


def test_cli_reviewer_toml_and_a_bad_profile_exit_2(tmp_path):
    (tmp_path / "reviewer.toml").write_text('ignore = ["period.no_such"]\n', encoding="utf-8")
    proc = run_cli("review", str(SAMPLE), "--no-llm", cwd=tmp_path)
    assert proc.returncode == 2 and "period.no_such" in proc.stderr and "unknown rule id" in proc.stderr
    (tmp_path / "reviewer.toml").write_text('select = ["period"]\n', encoding="utf-8")
    proc = run_cli("review", str(SAMPLE), "--no-llm", "--format", "json", cwd=tmp_path)
    assert {f["rule_id"] for f in json.loads(proc.stdout)["reviews"][0]["findings"]} == {
        "period.title_vs_period", "period.narrative_year"}


def test_cli_passes_over_a_pyproject_without_tool_reviewer_even_a_broken_one(tmp_path):
    (tmp_path / "reviewer.toml").write_text('ignore = ["format"]\n', encoding="utf-8")
    inner = tmp_path / "project"
    inner.mkdir()
    (inner / "pyproject.toml").write_text("[project\nname = ", encoding="utf-8")  # not TOML at all
    proc = run_cli("review", str(SAMPLE), "--no-llm", "--format", "json", cwd=inner)
    assert proc.returncode == 1, proc.stderr
    review = json.loads(proc.stdout)["reviews"][0]
    assert review["profile"]["name"].endswith("reviewer.toml") and review["profile"]["hidden"] == 1
