"""`reviewer rule ID` and the explanations beside the rules (reviewer/checks/docs/<category>.toml)."""

from __future__ import annotations

import fnmatch
import json
import subprocess
import sys
import tomllib
from pathlib import Path

from reviewer.checks import RULES
from reviewer.checks.rule_docs import FIELDS, close_ids, load_docs

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "reviewer" / "checks" / "docs"


def run_cli(*args):
    return subprocess.run([sys.executable, "-m", "reviewer.cli", *args], capture_output=True, text=True, timeout=120)


def test_every_registered_rule_has_a_complete_explanation_in_its_categorys_file():
    """A new rule fails this until reviewer/checks/docs/<category>.toml explains it."""
    docs = load_docs()
    missing = sorted(set(RULES) - set(docs))
    assert not missing, f"no explanation for {missing}"
    stale = sorted(set(docs) - set(RULES))
    assert not stale, f"explanations for rules that do not exist: {stale}"
    for rule_id, rule in RULES.items():
        doc = docs[rule_id]
        assert doc["_file"] == f"{rule.category}.toml", (rule_id, doc["_file"])
        for key in FIELDS:
            assert isinstance(doc.get(key), str) and len(doc[key].strip()) >= 4, (rule_id, key)
        assert set(doc) - {"_file"} == set(FIELDS), (rule_id, sorted(doc))


def test_explanations_cite_the_format_or_the_law():
    for rule_id, doc in load_docs().items():
        assert any(w in doc["why"] for w in ("国办公开办函", "条例", "立法法", "办法", "格式", "审核")), rule_id


def test_rule_prints_every_part_of_the_explanation_in_chinese():
    proc = run_cli("rule", "table3.balance")
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert out.splitlines()[0].startswith("table3.balance") and "错误" in out.splitlines()[0]
    for label in ("检查什么", "依据", "会报告的例子", "不会报告的例子", "何时不运行", "怎样修改"):
        assert f"\n{label}\n" in out
    assert "第一项加第二项之和，等于第三项加第四项之和" in out and "docs/rules.md" in out


def test_rule_json_has_the_registry_fields_and_the_explanation():
    proc = run_cli("rule", "structure.fee_statement_missing", "--format", "json")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert (data["id"], data["category"], data["severity"]) == ("structure.fee_statement_missing", "structure", "warning")
    assert all(data[k] for k in FIELDS) and "信息处理费" in data["why"]


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
