"""`reviewer admin create`: the first 管理员 account of a tenant, and how to sign in."""

from __future__ import annotations

import argparse


def register(subparsers) -> None:
    p = subparsers.add_parser("admin", help="管理员账号（首次启动）",
                              description="创建网页管理员账号；管理员在网页上导入单位、创建审核员和填报单位账号。")
    sub = p.add_subparsers(dest="admin_command", metavar="操作")
    c = sub.add_parser("create", help="创建管理员账号并显示登录方式")
    c.add_argument("--tenant", required=True, help="租户名称，如“某市政务公开办”（不存在则创建）")
    c.add_argument("--username", default="admin", help="用户名（默认 admin）")
    c.add_argument("--password", default=None,
                   help="密码（至少 10 个字符）；不给则生成一个随机密码并显示一次")
    c.add_argument("--url", default="http://127.0.0.1:8000", help="服务地址，用于显示登录网址")
    c.set_defaults(func=create)
    p.set_defaults(func=lambda _args: (p.print_help(), 2)[1])


def create(args: argparse.Namespace) -> int:
    import secrets
    import sys

    from reviewer.services.accounts import AccountError, audit, create_user
    from reviewer.store import migrate, session_scope
    from reviewer.store.tenants import get_or_create_tenant

    tenant_name = args.tenant.strip()
    if not tenant_name:
        print("租户名称不能为空（tenant name is empty）", file=sys.stderr)
        return 2
    password = args.password or secrets.token_urlsafe(12)
    migrate()
    try:
        with session_scope() as s:
            tenant = get_or_create_tenant(s, tenant_name)
            user = create_user(s, tenant.id, args.username, password, "admin")
            audit(s, tenant.id, "cli", "account.create", user.username, detail={"role": "admin"})
    except AccountError as exc:
        print(f"{exc.message_zh}（{exc.message_en}）", file=sys.stderr)
        return 2
    url = args.url.rstrip("/")
    print(f"已为“{tenant_name}”创建管理员账号。\n"
          f"  登录地址：{url}/web/signin\n"
          f"  用户名：  {args.username}\n"
          f"  密码：    {password}" + ("（随机生成，只显示这一次）" if not args.password else "") + "\n"
          "登录后请在“我的账号”修改密码，再到“管理”页导入单位、创建审核员和填报单位账号。")
    return 0
