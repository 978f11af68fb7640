"""The roster board for 管理员 and 审核员: every unit's status for a year, filters, sorting, the
countdown to the nearest deadline, a server-rendered SVG chart, XLSX export, and the reviews whose
agency name matched no unit (a person assigns them)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from reviewer.store.db import session_scope
from reviewer.web.auth import WebNotFound, WebUser, require_csrf, staff_user
from reviewer.web.responses import attachment, page

router = APIRouter(include_in_schema=False)


def _year(request: Request) -> int:
    from reviewer.services.board import reporting_year

    text = request.query_params.get("year", "")
    return int(text) if text.isdigit() and 2000 <= int(text) <= 2100 else reporting_year()


@router.get("/web/board")
def board_page(request: Request, user: WebUser = Depends(staff_user)) -> HTMLResponse:
    from reviewer.services import board, units

    year = _year(request)
    with session_scope(request.app.state.engine) as s:
        data = board.board(s, user.tenant_id, year)
        todo = units.unassigned(s, user.tenant_id)
        unit_list = units.list_units(s, user.tenant_id, year)
    return page(request, "board.html", {"board": data, "chart": board.chart(data), "statuses": board.STATUS_ZH,
                                        "unassigned": todo, "unit_list": unit_list,
                                        "kinds": sorted({u["kind"] for u in unit_list})}, user=user)


@router.get("/web/board.xlsx")
def board_xlsx(request: Request, user: WebUser = Depends(staff_user)) -> Response:
    from reviewer.services import board

    with session_scope(request.app.state.engine) as s:
        data = board.board(s, user.tenant_id, _year(request))
    return attachment(board.export_xlsx(data), "xlsx", f"{data['year']}年度报送进度.xlsx")


@router.post("/web/board/assign")
async def assign(request: Request, user: WebUser = Depends(staff_user)) -> Response:
    from reviewer.services.accounts import audit
    from reviewer.services.units import assign as assign_unit
    from reviewer.web.forms import form_text

    form = await request.form(max_files=0, max_fields=5)
    require_csrf(form, user)
    review_id, unit = form_text(form, "review_id"), form_text(form, "unit_id")
    with session_scope(request.app.state.engine) as s:
        if not (unit.isdigit() and len(unit) < 10 and assign_unit(s, user.tenant_id, review_id, int(unit))):
            raise WebNotFound()
        audit(s, user.tenant_id, user.name, "unit.assign", review_id, request.client.host if request.client else None,
              {"unit_id": int(unit)})
    return RedirectResponse("/web/board", status_code=303)


@router.post("/web/board/approve")
async def approve(request: Request, user: WebUser = Depends(staff_user)) -> Response:
    from reviewer.services.accounts import audit
    from reviewer.services.board import approve as approve_report
    from reviewer.web.forms import form_text

    form = await request.form(max_files=0, max_fields=5)
    require_csrf(form, user)
    review_id = form_text(form, "review_id")
    with session_scope(request.app.state.engine) as s:
        if not approve_report(s, user.tenant_id, review_id, user.name):
            raise WebNotFound()
        audit(s, user.tenant_id, user.name, "report.status", review_id, request.client.host if request.client else None,
              {"status": "approved"})
    return RedirectResponse(f"/web/board?year={_year(request)}" if request.query_params.get("year") else "/web/board",
                            status_code=303)


@router.get("/web/board/feedback.zip")
async def board_feedback(request: Request, user: WebUser = Depends(staff_user)) -> Response:
    """The feedback package of the units ticked on the board (issue 16)."""
    from reviewer.services.feedback import units_package
    from reviewer.web.responses import feedback_download

    ids = [int(v) for v in request.query_params.getlist("unit") if v.isdigit() and len(v) < 10]
    if not ids:
        return page(request, "error.html", {"title": "没有选择单位", "message": "请在报送进度表中勾选要反馈的单位。"},
                    status=422, user=user)
    return await feedback_download(request, user, lambda resubmit_by: units_package(
        request.app.state.engine, user.tenant_id, _year(request), ids, user.tenant_name, resubmit_by))
