"""`reviewer rule ID`, the catalog and the rule page, all rendered from the rule declarations
(reviewer/checks/docs/<category>.toml)."""

from __future__ import annotations

import fnmatch
import json
import subprocess
import sys
import tomllib
from pathlib import Path

from reviewer.checks import RULES
from reviewer.checks.declarations import load_declarations
from reviewer.checks.rule_docs import FIELDS, close_ids

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "reviewer" / "checks" / "docs"


def run_cli(*args):
    return subprocess.run([sys.executable, "-m", "reviewer.cli", *args], capture_output=True, text=True, timeout=120)


def test_every_registered_rule_has_a_complete_declaration_in_its_categorys_file():
    """A new rule fails this until reviewer/checks/docs/<category>.toml declares it."""
    declared = load_declarations()
    assert set(RULES) == set(declared)
    for rule_id, rule in RULES.items():
        assert rule is declared[rule_id] or rule == declared[rule_id]
        for key in FIELDS:
            assert isinstance(rule.explanation.get(key), str) and len(rule.explanation[key].strip()) >= 4, (rule_id, key)
        assert rule.messages, rule_id


def test_a_rule_that_emits_two_severities_says_when():
    multi = {r.id: r.severities for r in RULES.values() if len(r.severities) > 1}
    # the six rules that used to emit a severity they did not declare, and the root cause (error when certain)
    for rule_id in ("structure.missing_section", "structure.table_outside_section", "period.narrative_year",
                    "format.blank_cell", "crossref.parts_exceed_whole", "structure.title_wording",
                    "continuity.carry_over", "arithmetic.root_cause"):
        assert rule_id in multi, rule_id
        assert all(len(w) >= 4 for w in RULES[rule_id].also.values())


def test_an_undeclared_severity_is_refused_under_test():
    import pytest

    from reviewer.checks.registry import finding

    with pytest.raises(ValueError, match="declared"):
        finding("table3.balance", "x", severity="info")


def test_explanations_cite_the_format_or_the_law():
    for rule_id, rule in load_declarations().items():
        assert any(w in rule.explanation["why"] for w in ("国办公开办函", "条例", "立法法", "办法", "格式", "审核")), rule_id


def test_rule_prints_every_part_of_the_explanation_in_chinese():
    proc = run_cli("rule", "table3.balance")
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert out.splitlines()[0].startswith("table3.balance") and "错误" in out.splitlines()[0]
    for label in ("检查什么", "依据", "会报告的例子", "不会报告的例子", "何时不运行", "怎样修改"):
        assert f"\n{label}\n" in out
    assert "第一项加第二项之和，等于第三项加第四项之和" in out and "docs/rules.md" in out


def test_rule_json_has_the_whole_declaration():
    proc = run_cli("rule", "arithmetic.in_force_below_issued", "--format", "json")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert (data["id"], data["category"], data["severity"]) == ("arithmetic.in_force_below_issued", "arithmetic", "warning")
    assert all(data[k] for k in FIELDS) and data["messages"] and data["defers_to"] == ["format.table_unreadable"]
    assert {e["fires"] for e in data["examples"]} == {True, False}


def test_rule_text_shows_both_severities_and_when():
    out = run_cli("rule", "format.blank_cell").stdout
    assert out.splitlines()[0].endswith("警告／提示") and "按0理解时全部勾稽关系成立" in out


def test_unknown_rule_exits_2_with_a_chinese_message_naming_close_ids():
    proc = run_cli("rule", "table3.balanse")
    assert proc.returncode == 2 and proc.stdout == ""
    assert "未知的规则编号" in proc.stderr and "table3.balance" in proc.stderr and "reviewer rules" in proc.stderr
    proc = run_cli("rule", "no.such.rule", "--format", "json")
    assert proc.returncode == 2
    assert json.loads(proc.stdout)["error"]["code"] == "rule.unknown"


def test_close_ids_by_substring_spelling_and_tail():
    ids = sorted(RULES)
    assert close_ids("balance", ids)[0] == "table3.balance"
    assert "structure.title_wording" in close_ids("titel_wording", ids)
    assert "period.narrative_year" in close_ids("narative_year", ids)
    assert close_ids("zzzzzz", ids) == []


def test_rules_stays_the_one_line_catalog():
    proc = run_cli("rules")
    assert proc.returncode == 0
    lines = proc.stdout.strip().splitlines()
    assert len(lines) == len(RULES)
    assert {line.split()[0] for line in lines} == set(RULES)


def test_the_explanations_ship_as_package_data():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    globs = config["tool"]["setuptools"]["package-data"]["reviewer"]
    files = sorted(p.relative_to(ROOT / "reviewer").as_posix() for p in DOCS.glob("*"))
    assert files and all(f.endswith(".toml") for f in files)
    assert all(any(fnmatch.fnmatch(f, g) for g in globs) for f in files), (files, globs)


def test_the_generated_catalog_is_up_to_date():
    from reviewer.checks.catalog import catalog_markdown

    on_disk = (ROOT / "docs" / "rules-catalog.md").read_text(encoding="utf-8")
    assert on_disk == catalog_markdown(), "run: python -m reviewer.checks.catalog > docs/rules-catalog.md"
    assert all(f"`{rule_id}`" in on_disk for rule_id in RULES)


def test_the_web_rule_page_shows_the_same_explanation():
    from reviewer.web.rules import rule_entry

    entry = rule_entry("crossref.claim_vs_table")
    assert entry["explanation"][0] == ("检查什么", RULES["crossref.claim_vs_table"].explanation["checks"])
    assert ("可运行的例子" in [name for name, _ in entry["explanation"]])
    assert "怎样修改" in [name for name, _ in entry["explanation"]]
