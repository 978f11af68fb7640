"""`reviewer rules`: every rule id with its category, severity and description."""

from __future__ import annotations


def register(sub) -> None:
    p = sub.add_parser("rules", help="列出全部审核规则", description="列出全部审核规则（规则编号、类别、级别、说明）")
    p.add_argument("--format", choices=["text", "json"], default="text")
    p.set_defaults(func=run)


def run(args) -> int:
    import json

    from reviewer.checks import RULES

    rules = sorted(RULES.values(), key=lambda r: (r.category, r.id))
    if args.format == "json":
        keys = ("id", "category", "severity", "severities", "title", "runs_on")
        from reviewer.checks.declarations import describe

        print(json.dumps([{k: describe(r)[k] for k in keys} for r in rules], ensure_ascii=False, indent=2))
        return 0
    names = {"error": "错误", "warning": "警告", "info": "提示"}
    for r in rules:
        print(f"{r.id:36} {r.category:11} {'／'.join(names[s] for s in r.severities):8} {r.title}")
    import sys

    if sys.stdout.isatty():  # a person reading: the policy too; a pipe gets exactly one line per rule
        from reviewer.checks.registry import SEVERITY_POLICY

        print(f"\n{SEVERITY_POLICY}  reviewer rule 规则编号：一条规则的详细说明。")
    return 0
