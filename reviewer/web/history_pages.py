"""The tenant's history, and one page per rule."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from reviewer.store.db import session_scope
from reviewer.web import views
from reviewer.web.auth import WebNotFound, WebUser, current_user
from reviewer.web.responses import page

router = APIRouter(include_in_schema=False)


@router.get("/web/history")
def history(request: Request, user: WebUser = Depends(current_user)) -> HTMLResponse:
    from reviewer.services.rounds import list_reports

    q = (request.query_params.get("q") or "").strip()[:200]
    with session_scope(request.app.state.engine) as s:
        ctx = views.history(s, user.tenant_id, user.unit_id)
        ctx["reports"] = list_reports(s, user.tenant_id, q, unit_id=user.unit_id)  # issue 15: reports and their rounds
    for r in ctx["reports"]:
        r["updated"] = views.beijing_iso(r["updated_at"])
    ctx["q"] = q
    return page(request, "history.html", ctx, user=user)


@router.get("/web/rules/{rule_id}")
def rule_page(rule_id: str, request: Request, user: WebUser = Depends(current_user)) -> HTMLResponse:
    from reviewer.web.rules import rule_entry

    entry = rule_entry(rule_id)
    if entry is None:
        raise WebNotFound()
    return page(request, "rule.html", {"rule": entry}, user=user)
