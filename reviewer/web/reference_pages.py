"""Last year's reports of a unit (issue 16), for 管理员 and 审核员: the list, an upload form for a
published report, and “mark as published” for a report reviewed here. Every review of the next
year for the unit is then compared with it."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from reviewer.services.errors import ServiceError
from reviewer.store.db import session_scope
from reviewer.web.auth import WebNotFound, WebUser, require_csrf, staff_user
from reviewer.web.forms import form_text, read_body
from reviewer.web.responses import page

router = APIRouter(include_in_schema=False)


def _unit(s, user: WebUser, unit_id: int):
    from reviewer.services.units import get_unit

    unit = get_unit(s, user.tenant_id, unit_id) if 0 < unit_id < 2**31 else None
    if unit is None:
        raise WebNotFound()
    return unit


def _context(request: Request, user: WebUser, unit_id: int) -> dict:
    from reviewer.services import references
    from reviewer.services.references import reference_view
    from reviewer.store.references import references_of
    from reviewer.web.views import beijing

    with session_scope(request.app.state.engine) as s:
        unit = _unit(s, user, unit_id)
        refs = []
        for r in references_of(s, user.tenant_id, unit.id):
            view = reference_view(r)
            view["created"] = beijing(r.created_at)
            refs.append(view)
        return {"unit": {"id": unit.id, "name": unit.name}, "references": refs,
                "approved": references.approved_reports(s, user.tenant_id, unit.id)}


@router.get("/web/units/{unit_id}/references")
def references_page(unit_id: int, request: Request, user: WebUser = Depends(staff_user)) -> HTMLResponse:
    return page(request, "references.html", {**_context(request, user, unit_id), "error": None}, user=user)


@router.post("/web/units/{unit_id}/references")
async def add_reference(unit_id: int, request: Request, user: WebUser = Depends(staff_user)) -> Response:
    from reviewer.api.uploads import check_draft, clean_name
    from reviewer.services import references
    from reviewer.services.accounts import audit

    limit = request.app.state.settings.max_upload_bytes
    try:
        await read_body(request, limit + 64 * 1024)
        form = await request.form(max_files=1, max_fields=10)
        require_csrf(form, user)
        part, review_id, year_text = form.get("file"), form_text(form, "review_id"), form_text(form, "year")
        upload = None
        if isinstance(part, UploadFile) and part.filename:
            upload = (clean_name(part.filename), await part.read())
            check_draft(upload[1], upload[0], limit)
        elif not review_id:
            raise ServiceError(422, "request.missing_file", "请选择上一年度已发布的报告文件", "choose a file")
        if year_text and not (year_text.isdigit() and 2000 <= int(year_text) <= 2100):
            raise ServiceError(422, "request.invalid", "年度应为 2000–2100 的年份", "year must be 2000-2100")
    except ServiceError as exc:
        return page(request, "references.html", {**_context(request, user, unit_id), "error": exc.message_zh},
                    status=exc.status, user=user)

    def store() -> str | None:
        with session_scope(request.app.state.engine) as s:
            unit = _unit(s, user, unit_id)
            try:
                if upload is not None:
                    ref = references.add_upload(s, user.tenant_id, unit, upload[1], upload[0],
                                                int(year_text) if year_text else None, by=user.name)
                else:
                    ref = references.mark_published(s, user.tenant_id, unit, review_id, by=user.name)
            except ServiceError as exc:
                return exc.message_zh
            audit(s, user.tenant_id, user.name, "reference.add", str(unit.id),
                  request.client.host if request.client else None, {"year": ref.year, "source": ref.source})
            return None

    refused = await run_in_threadpool(store)
    if refused:
        return page(request, "references.html", {**_context(request, user, unit_id), "error": refused},
                    status=422, user=user)
    return RedirectResponse(f"/web/units/{unit_id}/references", status_code=303)
