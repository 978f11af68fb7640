"""`reviewer apikey create|list|revoke`: API keys of the service's tenants."""

from __future__ import annotations

import argparse


def register(subparsers) -> None:
    p = subparsers.add_parser("apikey", help="管理 API 密钥", description="管理服务 API 密钥：创建、列出、吊销。")
    sub = p.add_subparsers(dest="apikey_command", metavar="操作")
    c = sub.add_parser("create", help="为租户创建 API 密钥（只显示一次）")
    c.add_argument("--tenant", required=True, help="租户名称（不存在则创建）")
    c.add_argument("--unit", default=None, help="只限一个单位（名称或编号）：该密钥只能查看和提交这个单位的报告")
    c.set_defaults(func=create)
    ls = sub.add_parser("list", help="列出 API 密钥（编号、前缀、租户、创建与吊销时间；不显示密钥本身）")
    ls.add_argument("--tenant", default=None, help="只列出该租户的密钥")
    ls.set_defaults(func=list_keys)
    r = sub.add_parser("revoke", help="吊销 API 密钥（立即生效）")
    r.add_argument("key", help="密钥编号、list 显示的前缀（rvk_…）或完整密钥")
    r.set_defaults(func=revoke)
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
        out = create_api_key(s, name, unit=getattr(args, "unit", None))
        if out is None:
            print(f"租户 {name} 没有这个单位：{args.unit}（先在网页“管理”页或用 POST /v1/units 导入单位）"
                  f"（no such unit in tenant {name}）", file=sys.stderr)
            s.rollback()
            return 2
    print(json.dumps(out, ensure_ascii=False))
    return 0


def list_keys(args: argparse.Namespace) -> int:
    import json

    from reviewer.store import migrate, session_scope
    from reviewer.store.tenants import list_api_keys

    migrate()
    with session_scope() as s:
        keys = list_api_keys(s, args.tenant)
    print(json.dumps({"keys": keys}, ensure_ascii=False))
    return 0


def revoke(args: argparse.Namespace) -> int:
    import json
    import sys

    from reviewer.store import migrate, session_scope
    from reviewer.store.tenants import find_api_key, revoke_api_key

    migrate()
    with session_scope() as s:
        key = find_api_key(s, args.key)
        if key is None:
            print(f"找不到该密钥，或前缀对应多个密钥：{args.key}（no such key, or the prefix is ambiguous）",
                  file=sys.stderr)
            return 2
        out = revoke_api_key(s, key)
    print(json.dumps(out, ensure_ascii=False))
    return 0
