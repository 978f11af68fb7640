"""Review rounds on the web (issue 15): decisions on findings, a report's versions and status, rule health.

Every page calls ``reviewer.services.rounds``; forms post back and redirect (no script needed).
"""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from reviewer.services import rounds
from reviewer.services.errors import ServiceError
from reviewer.store.db import session_scope
from reviewer.web import views
from reviewer.web.auth import WebNotFound, WebUser, admin_user, current_user, require_csrf, staff_user
from reviewer.web.forms import form_text, read_body
from reviewer.web.responses import page

router = APIRouter(include_in_schema=False)
_FORM_CAP = 16 * 1024


async def _form(request: Request, user: WebUser):
    await read_body(request, _FORM_CAP)
    form = await request.form(max_files=0, max_fields=10)
    require_csrf(form, user)
    return form


def _refused(request: Request, user: WebUser, exc: ServiceError, back: str) -> HTMLResponse:
    if exc.status == 404:
        raise WebNotFound()
    return page(request, "error.html", {"title": "未能保存", "message": exc.message_zh, "back": back},
                status=exc.status, user=user)


@router.post("/web/reviews/{review_id}/decisions")
async def decide(review_id: str, request: Request, user: WebUser = Depends(current_user)) -> Response:
    form = await _form(request, user)
    decision = form_text(form, "decision") or None
    back = f"/web/reviews/{review_id}"

    def record():
        with session_scope(request.app.state.engine) as s:
            from reviewer.services.accounts import audit

            out = rounds.decide(s, user.tenant_id, review_id, form_text(form, "fingerprint"),
                                None if decision == "undo" else decision, form_text(form, "reason"), views.who(user),
                                unit_id=user.unit_id)
            audit(s, user.tenant_id, user.name, "decision", review_id,
                  request.client.host if request.client else None,
                  {"fingerprint": form_text(form, "fingerprint"), "decision": decision})
            return out
    try:
        await run_in_threadpool(record)
    except ServiceError as exc:
        return _refused(request, user, exc, back)
    anchor = form_text(form, "anchor")
    return RedirectResponse(back + (f"#{anchor}" if anchor.isascii() and anchor.replace("-", "").isalnum() else ""),
                            status_code=303)


@router.get("/web/reports/{report_key}")
def report_page(report_key: str, request: Request, user: WebUser = Depends(current_user)) -> HTMLResponse:
    with session_scope(request.app.state.engine) as s:
        try:
            report = rounds.report_json(s, rounds.get_report(s, user.tenant_id, report_key, user.unit_id))
        except ServiceError as exc:
            raise WebNotFound() from exc
    for v in report["versions"]:
        v["created"] = views.beijing_iso(v["created_at"])
    report["status_when"] = views.beijing_iso(report["status_at"])
    return page(request, "report.html", {"report": report, "key_url": quote(report_key, safe="")}, user=user)


@router.post("/web/reports/{report_key}/status")
async def set_status(report_key: str, request: Request, user: WebUser = Depends(staff_user)) -> Response:
    form = await _form(request, user)
    back = f"/web/reports/{quote(report_key, safe='')}"

    def record():
        with session_scope(request.app.state.engine) as s:
            from reviewer.services.accounts import audit

            rounds.set_status(s, user.tenant_id, report_key, form_text(form, "status"), views.who(user))
            audit(s, user.tenant_id, user.name, "report.status", report_key,
                  request.client.host if request.client else None, {"status": form_text(form, "status")})
    try:
        await run_in_threadpool(record)
    except ServiceError as exc:
        return _refused(request, user, exc, back)
    return RedirectResponse(back, status_code=303)


@router.get("/web/stats/rules")
def rule_stats(request: Request, user: WebUser = Depends(admin_user)) -> HTMLResponse:
    """Rule health for the tenant's admin: how often each rule fired and was dismissed, with the reasons."""
    from reviewer.checks import RULES

    with session_scope(request.app.state.engine) as s:
        stats = rounds.rule_stats(s, user.tenant_id)
    for r in stats:
        rule = RULES.get(r["rule_id"])
        r["title"] = rule.title if rule else r["rule_id"]
        r["share"] = f"{100 * r['dismissed_share']:.0f}%" if r["dismissed_share"] is not None else "—"
        for reason in r["reasons"]:
            reason["when"] = views.beijing_iso(reason["at"])
    return page(request, "rule_stats.html", {"stats": stats}, user=user)
