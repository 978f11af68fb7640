"""`reviewer rule ID`: what one rule checks, why, examples, when it does not run, and the fix
(modelled on `ruff rule`). The one-line catalog stays `reviewer rules`."""

from __future__ import annotations

import sys

SEVERITY_NAMES = {"error": "错误", "warning": "警告", "info": "提示"}
CATEGORY_NAMES = {"period": "年度与期限", "arithmetic": "表格勾稽", "crossref": "正文与表格", "structure": "结构",
                  "format": "格式", "narrative": "叙述（大模型）", "continuity": "跨年度衔接", "duplicate": "雷同与重复"}



def register(sub) -> None:
    p = sub.add_parser("rule", help="说明一条审核规则（检查什么、依据、例子、怎样修改）",
                       description="说明一条审核规则：检查什么、依据（格式条款或条例条文）、会报告与不会报告的例子、"
                                   "何时不运行、怎样修改。全部规则见 reviewer rules。")
    p.add_argument("rule_id", metavar="规则编号", help="如 table3.balance；reviewer rules 列出全部编号")
    p.add_argument("--format", choices=["text", "json"], default="text")
    p.set_defaults(func=run)


def run(args) -> int:
    import json

    from reviewer.checks import RULES
    from reviewer.checks.declarations import describe
    from reviewer.checks.rule_docs import close_ids

    rule = RULES.get(args.rule_id.strip())
    if rule is None:
        near = close_ids(args.rule_id, sorted(RULES))
        hint = f"相近的规则：{'、'.join(near)}。" if near else ""
        message = f"未知的规则编号“{args.rule_id}”（unknown rule id）。{hint}用 reviewer rules 查看全部规则。"
        if args.format == "json":
            print(json.dumps({"error": {"code": "rule.unknown", "message": message, "suggestions": near}},
                             ensure_ascii=False, indent=2))
        print(message, file=sys.stderr)
        return 2
    entry = describe(rule)
    if args.format == "json":
        entry = {k: v for k, v in entry.items() if k != "sections"}
        print(json.dumps(entry, ensure_ascii=False, indent=2))
        return 0
    print(f"{rule.id}  ·  {rule.category}（{CATEGORY_NAMES.get(rule.category, rule.category)}）  ·  "
          + "／".join(SEVERITY_NAMES[s] for s in rule.severities))
    print(rule.title)
    for label, text in entry["sections"]:
        body = "\n  ".join(text.splitlines())
        print(f"\n{label}\n  {body}")
    from reviewer.checks.registry import SEVERITY_POLICY

    print(f"\n{SEVERITY_POLICY}")
    return 0
