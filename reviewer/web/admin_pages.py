"""The 管理员's page: units (import, export, deadlines), accounts (create, reset a password),
the audit log, and the technical links (API documentation) that other roles never see."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from reviewer.store.db import session_scope
from reviewer.web import views
from reviewer.web.auth import WebUser, admin_user, require_csrf
from reviewer.web.forms import form_text, read_body
from reviewer.web.responses import attachment, page
from reviewer.web.signin_pages import client_ip

router = APIRouter(include_in_schema=False)
AUDIT_ZH = {"signin.ok": "登录", "signin.failed": "登录失败", "signin.locked": "登录被拒（账号锁定）",
            "signin.throttled": "登录被拒（失败过多）", "signout": "退出登录", "password.change": "修改密码",
            "password.reset": "重置密码", "account.create": "创建账号", "units.import": "导入单位",
            "unit.assign": "指定单位", "unit.deadline": "修改截止日期", "decision": "审核意见处理", "report.status": "报告状态"}


def _context(s, user: WebUser, year: int | None = None) -> dict:
    from reviewer.services import accounts, board, units

    year = year or board.reporting_year()
    log = [{**e, "at": views.beijing(e["at"]), "action_zh": AUDIT_ZH.get(e["action"], e["action"])}
           for e in accounts.audit_log(s, user.tenant_id, 100)]
    users = [{**u, "created_at": views.beijing(u["created_at"])} for u in accounts.list_users(s, user.tenant_id)]
    return {"units": units.list_units(s, user.tenant_id, year), "year": year, "users": users, "audit": log,
            "roles": accounts.ROLES, "kinds": units.KINDS}


def _page_year(request: Request) -> int | None:
    text = request.query_params.get("year", "")
    return int(text) if text.isdigit() and 2000 <= int(text) <= 2100 else None


def _admin_page(request: Request, user: WebUser, error: str | None = None, notice: str | None = None,
                status: int = 200, year: int | None = None) -> HTMLResponse:
    with session_scope(request.app.state.engine) as s:
        ctx = _context(s, user, year or _page_year(request))
    return page(request, "admin.html", {**ctx, "error": error, "notice": notice}, status=status, user=user)


@router.get("/web/admin")
def admin_page(request: Request, user: WebUser = Depends(admin_user)) -> HTMLResponse:
    notice = {"units": "单位名单已导入。", "deadline": "截止日期已修改。", "account": "账号已创建。", "reset": "密码已重置，该账号的所有登录已退出。"}
    return _admin_page(request, user, notice=notice.get(request.query_params.get("done", "")))


@router.post("/web/admin/units")
async def import_units(request: Request, user: WebUser = Depends(admin_user)) -> Response:
    from reviewer.services import units

    await read_body(request, 5 * 1024 * 1024)
    form = await request.form(max_files=1, max_fields=5)
    require_csrf(form, user)
    part = form.get("file")
    if not isinstance(part, UploadFile) or not part.filename:
        return _admin_page(request, user, "请选择单位名单文件（CSV 或 XLSX）", status=422)
    data, name = await part.read(), part.filename

    def run() -> dict:
        from reviewer.services.accounts import audit

        with session_scope(request.app.state.engine) as s:
            out = units.import_units(s, user.tenant_id, units.read_table(data, name))
            audit(s, user.tenant_id, user.name, "units.import", name, client_ip(request), out)
            return out

    try:
        await run_in_threadpool(run)
    except units.UnitError as exc:
        return _admin_page(request, user, f"单位名单未导入：{exc.message_zh}", status=422)
    return RedirectResponse("/web/admin?done=units", status_code=303)


@router.post("/web/admin/units/deadline")
async def change_deadline(request: Request, user: WebUser = Depends(admin_user)) -> Response:
    """One unit's deadline for one year's reports (issue 16), beside the CSV/XLSX import; audited."""
    from reviewer.services import units

    form = await request.form(max_files=0, max_fields=10)
    require_csrf(form, user)
    unit, year, deadline = form_text(form, "unit_id"), form_text(form, "year"), form_text(form, "deadline")

    def run() -> dict:
        from reviewer.services.accounts import audit

        with session_scope(request.app.state.engine) as s:
            out = units.change_deadline(s, user.tenant_id, unit, year, deadline)
            audit(s, user.tenant_id, user.name, "unit.deadline", out["unit"], client_ip(request), out)
            return out

    try:
        out = await run_in_threadpool(run)
    except units.UnitError as exc:
        return _admin_page(request, user, f"截止日期未修改：{exc.message_zh}", status=422,
                           year=int(year) if year.isdigit() and 2000 <= int(year) <= 2100 else None)
    return RedirectResponse(f"/web/admin?done=deadline&year={out['year']}", status_code=303)


@router.get("/web/admin/units.{fmt}")
def export_units(fmt: str, request: Request, user: WebUser = Depends(admin_user)) -> Response:
    from reviewer.services import board, units
    from reviewer.web.auth import WebNotFound

    if fmt not in ("csv", "xlsx"):
        raise WebNotFound()
    with session_scope(request.app.state.engine) as s:
        rows = units.list_units(s, user.tenant_id, board.reporting_year())
    content = units.export_csv(rows) if fmt == "csv" else units.export_xlsx(rows)
    return attachment(content, fmt, f"单位名单.{fmt}")


@router.post("/web/admin/accounts")
async def create_account(request: Request, user: WebUser = Depends(admin_user)) -> Response:
    from reviewer.services.accounts import AccountError, audit, create_user

    form = await request.form(max_files=0, max_fields=10)
    require_csrf(form, user)
    unit = form_text(form, "unit_id")
    username, role = form_text(form, "username"), form_text(form, "role")
    password = form.get("password") if isinstance(form.get("password"), str) else ""

    def run() -> None:
        with session_scope(request.app.state.engine) as s:
            created = create_user(s, user.tenant_id, username, password, role,
                                  int(unit) if unit.isdigit() and len(unit) < 10 else None)
            audit(s, user.tenant_id, user.name, "account.create", created.username, client_ip(request),
                  {"role": role})

    try:
        await run_in_threadpool(run)
    except AccountError as exc:
        return _admin_page(request, user, f"账号未创建：{exc.message_zh}", status=422)
    return RedirectResponse("/web/admin?done=account", status_code=303)


@router.post("/web/admin/accounts/{user_id}/password")
async def reset_password(user_id: int, request: Request, user: WebUser = Depends(admin_user)) -> Response:
    from reviewer.services.accounts import AccountError
    from reviewer.services.accounts import reset_password as reset

    form = await request.form(max_files=0, max_fields=5)
    require_csrf(form, user)
    password = form.get("password") if isinstance(form.get("password"), str) else ""

    def run() -> None:
        with session_scope(request.app.state.engine) as s:
            reset(s, user, user_id, password, client_ip(request))

    try:
        await run_in_threadpool(run)
    except AccountError as exc:
        return _admin_page(request, user, f"密码未重置：{exc.message_zh}", status=422)
    return RedirectResponse("/web/admin?done=reset", status_code=303)
