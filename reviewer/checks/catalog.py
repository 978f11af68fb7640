"""The rule catalog as Markdown, generated from the registry and the explanations:

    python -m reviewer.checks.catalog > docs/rules-catalog.md

tests/test_rule_docs.py fails when docs/rules-catalog.md is out of date.
"""

from __future__ import annotations

SEVERITY_NAMES = {"error": "错误", "warning": "警告", "info": "提示"}


def _cell(text: str) -> str:
    return text.replace("|", "｜").replace("\n", " ")


def catalog_markdown() -> str:
    from reviewer.checks import RULES

    lines = ["# 规则目录（rule catalog）", "",
             "由 `python -m reviewer.checks.catalog > docs/rules-catalog.md` 从规则声明 "
             "`reviewer/checks/docs/*.toml` 生成，请勿手改。级别原则见 [rules.md](rules.md)；"
             "每条规则的完整说明：`reviewer rule 规则编号`。", ""]
    for category in sorted({r.category for r in RULES.values()}):
        lines += [f"## {category}", "", "| 规则 | 级别 | 说明 | 何时不运行 | 依据 |", "|---|---|---|---|---|"]
        for rule in sorted((r for r in RULES.values() if r.category == category), key=lambda r: r.id):
            levels = "／".join(SEVERITY_NAMES[s] for s in rule.severities)
            lines.append(f"| `{rule.id}` | {levels} | {_cell(rule.title)} | {_cell(rule.explanation.get('skipped', ''))} "
                         f"| {_cell(rule.explanation.get('why', ''))} |")
        lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":  # pragma: no cover
    print(catalog_markdown(), end="")
