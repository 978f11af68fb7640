"""`reviewer apikey create --tenant NAME`: a new API key (and the tenant's webhook secret)."""

from __future__ import annotations

import argparse


def register(subparsers) -> None:
    p = subparsers.add_parser("apikey", help="管理 API 密钥", description="管理服务 API 密钥。")
    sub = p.add_subparsers(dest="apikey_command", metavar="操作")
    c = sub.add_parser("create", help="为租户创建 API 密钥（只显示一次）")
    c.add_argument("--tenant", required=True, help="租户名称（不存在则创建）")
    c.set_defaults(func=create)
    p.set_defaults(func=lambda _args: (p.print_help(), 2)[1])


def create(args: argparse.Namespace) -> int:
    import json
    import sys

    name = args.tenant.strip()
    if not name:
        print("租户名称不能为空（tenant name is empty）", file=sys.stderr)
        return 2
    from reviewer.store import migrate, session_scope
    from reviewer.store.tenants import create_api_key

    migrate()
    with session_scope() as s:
        out = create_api_key(s, name)
    print(json.dumps(out, ensure_ascii=False))
    return 0
