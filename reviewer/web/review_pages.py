"""One draft: the form (file, drag-and-drop or pasted text), the wait, the review page, downloads."""

from __future__ import annotations

from pathlib import PurePath

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from reviewer.services.errors import ServiceError
from reviewer.store.db import session_scope
from reviewer.web import views
from reviewer.web.auth import WebNotFound, WebUser, current_user, require_csrf
from reviewer.web.forms import form_text, read_body
from reviewer.web.responses import FRAMED_CSP, attachment, page, pending_page

router = APIRouter(include_in_schema=False)


def _form(request: Request, user: WebUser, error: str | None, values: dict, status: int = 200) -> HTMLResponse:
    """The form; staff (every unit in sight) also choose the unit the draft is for (issue 16)."""
    units = []
    if user.sees_all_units:
        from sqlalchemy import select

        from reviewer.store.models import Unit

        with session_scope(request.app.state.engine) as s:
            units = [{"id": i, "name": n} for i, n in s.execute(
                select(Unit.id, Unit.name).where(Unit.tenant_id == user.tenant_id).order_by(Unit.name))]
    return page(request, "new_review.html", {"error": error, "values": values, "units": units},
                status=status, user=user)


@router.get("/web/")
def new_review(request: Request, user: WebUser = Depends(current_user)) -> HTMLResponse:
    return _form(request, user, None, {})



@router.post("/web/reviews")
async def create_review(request: Request, user: WebUser = Depends(current_user)) -> Response:
    from reviewer.api.ratelimit import check_submission_rate
    from reviewer.api.uploads import callback_text, check_draft, clean_name, flag_value, text_bytes
    from reviewer.services.batches import parse_deadline
    from reviewer.services.submissions import check_callback, submit

    settings = request.app.state.settings
    limit = settings.max_upload_bytes
    values: dict = {}
    try:
        await run_in_threadpool(check_submission_rate, settings, user.tenant_id)  # issue 11: per tenant
        await read_body(request, limit + 64 * 1024)
        form = await request.form(max_files=1, max_fields=20)
        require_csrf(form, user)
        values = {k: form_text(form, k) for k in ("text", "deadline", "callback_url", "unit")}
        part = form.get("file")
        if isinstance(part, UploadFile) and part.filename:
            data, filename = await part.read(), clean_name(part.filename)
        elif values["text"]:
            data, filename = text_bytes(values["text"]), "粘贴的正文.txt"
        else:
            raise ServiceError(422, "request.missing_file", "请选择或拖入报告文件，或粘贴报告正文",
                           "choose a file or paste the text")
        check_draft(data, filename, limit)
        deadline = parse_deadline(values["deadline"] or None)
        callback = callback_text(values["callback_url"] or None) if user.technical else None
        if callback:
            await run_in_threadpool(check_callback, callback, settings.webhook_allowlist)
    except ServiceError as exc:
        return _form(request, user, exc.message_zh, values, exc.status)
    options = {"use_llm": flag_value(form.get("use_llm")) if form.get("use_llm") else None}
    if deadline:  # recorded and shown; a single draft is already first in the queue
        options["deadline"] = deadline.isoformat() + "Z"

    try:
        done = await run_in_threadpool(lambda: submit(request.app.state.engine, user.tenant_id, data, filename[:500],
                                                      options, callback, submitted_by=views.who(user),
                                                      unit_id=user.unit_id, unit=values.get("unit") or None))
    except ServiceError as exc:
        return _form(request, user, exc.message_zh, values, exc.status)
    return RedirectResponse(f"/web/reviews/{done.submission.id}", status_code=303)


def _submission(s, user: WebUser, review_id: str):
    from reviewer.store.submissions import get_for_tenant

    sub = get_for_tenant(s, user.tenant_id, review_id, user.unit_id)
    if sub is None:
        raise WebNotFound()
    return sub


@router.get("/web/reviews/{review_id}")
def review_page(review_id: str, request: Request, user: WebUser = Depends(current_user)) -> HTMLResponse:
    from reviewer.store.models import Blob, ReviewRow

    with session_scope(request.app.state.engine) as s:
        sub = _submission(s, user, review_id)
        row = s.get(ReviewRow, sub.id)
        ctx = {"sub": {"id": sub.id, "filename": sub.filename, "status": sub.status,
                       "status_zh": views.STATUS_ZH.get(sub.status, sub.status),
                       "created": views.beijing(sub.created_at), "finished": views.beijing(sub.finished_at),
                       "deadline": views.deadline_of(sub.options), "callback_url": sub.callback_url,
                       "error": sub.error}}
        if row is None:
            return page(request, "review_wait.html", ctx, user=user)
        from reviewer.services.rounds import rounds_view

        rounds = rounds_view(s, sub, row)  # issue 15: fingerprints, decisions, version and delta
        review = rounds["review"]
        data = s.get(Blob, sub.blob_sha256).data
        is_pdf = views.input_was_pdf(sub.filename, data)
        ctx.update(review=review, counts=views.card_counts(review), panel=views.findings_panel(review, rounds["delta"]),
                   readable=row.status == "ok", failure=views.failure_text(review),
                   rounds=views.rounds_header(s, sub, rounds),
                   dismissed=views.dismissed_findings(review),
                   pdf=is_pdf and views.pdf_renderer_available(),
                   pdf_pages=0,
                   view=request.query_params.get("view", ""))
        previous = s.get(ReviewRow, sub.previous_id) if sub.previous_id else None
        ctx.update(fixed=views.fixed_findings(previous.review if previous else None, rounds["delta"]),
                   changed_cells=views.changed_cells(previous.review if previous else None, review))
        from reviewer.batch.rows import advice
        from reviewer.services.references import comparison
        from reviewer.services.rollup import rollup

        ctx.update(compare=comparison(s, user.tenant_id, sub.unit_id, review),  # issue 16: 本年 / 上年 / 差额
                   rollup=rollup(s, user.tenant_id, sub.unit_id, review) if user.sees_all_units else None,
                   advice=advice((review.get("error") or {}).get("code")))
    if is_pdf and ctx["readable"]:  # after the session: no connection held while the worker counts
        ctx["pdf_pages"] = _page_count(request, ctx["sub"]["id"])
    return page(request, "review.html", ctx, user=user)


@router.get("/web/reviews/{review_id}/status.json")
def review_status(review_id: str, request: Request, user: WebUser = Depends(current_user)) -> JSONResponse:
    with session_scope(request.app.state.engine) as s:
        return JSONResponse(views.review_status(s, _submission(s, user, review_id)),
                            headers={"Cache-Control": "no-store"})


class AnnotatedPending(Exception):
    """The worker is still producing the annotated draft."""


async def _annotated(request: Request, user: WebUser, review_id: str, fmt: str) -> tuple[bytes, str]:
    """The annotated draft as the worker produced it (the web process never parses a draft)."""
    from reviewer.services.annotated import wait_for_output

    def owned() -> tuple[str, str]:
        with session_scope(request.app.state.engine) as s:
            sub = _submission(s, user, review_id)
            return sub.id, sub.filename

    sub_id, filename = await run_in_threadpool(owned)
    outcome = await wait_for_output(request.app.state.engine, sub_id, fmt, request.app.state.settings.annotate_wait)
    if outcome.status == "pending":
        raise AnnotatedPending()
    if outcome.status != "done":  # not reviewed yet, unreadable draft, or a PDF of a non-PDF: nothing to offer
        raise WebNotFound()
    return outcome.data, filename


def _dismissed_indices(request: Request, user: WebUser, review_id: str) -> list[int]:
    from reviewer.services.rounds import rounds_view
    from reviewer.store.models import ReviewRow

    with session_scope(request.app.state.engine) as s:
        sub = _submission(s, user, review_id)
        review = rounds_view(s, sub, s.get(ReviewRow, sub.id))["review"] or {}
    return [i for i, f in enumerate(review.get("findings", []))
            if (f.get("decision") or {}).get("decision") == "dismissed"]


@router.get("/web/reviews/{review_id}/annotated.html")
async def annotated_frame(review_id: str, request: Request, user: WebUser = Depends(current_user)) -> HTMLResponse:
    """The annotated draft for the review page's frame: its own header and panel hidden (the page has them)."""
    try:
        content, _ = await _annotated(request, user, review_id, "html")
    except AnnotatedPending:
        return pending_page()
    indices = await run_in_threadpool(_dismissed_indices, request, user, review_id)
    dismissed = "".join(f'[data-anchors^="a{i}-"]{{background:#eee!important;border-color:#bbb!important;color:#777}}'
                        for i in indices)  # greyed, as in the panel
    embed = "<style>body>header,#panel{display:none}#draft{max-width:none;margin:8px}" + dismissed + "</style></head>"
    html = content.decode("utf-8").replace("</head>", embed, 1)
    return HTMLResponse(html, headers={"Content-Security-Policy": FRAMED_CSP, "X-Frame-Options": "SAMEORIGIN",
                                       "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"})


def _review_json(request: Request, user: WebUser, review_id: str) -> Response:
    import json

    from reviewer.store.models import ReviewRow

    with session_scope(request.app.state.engine) as s:
        sub = _submission(s, user, review_id)
        row = s.get(ReviewRow, sub.id)
        if row is None:
            raise WebNotFound()
        body = json.dumps(row.review, ensure_ascii=False, indent=2)
        return attachment(body.encode("utf-8"), "json", f"{PurePath(sub.filename).stem}.审核.json")


@router.get("/web/reviews/{review_id}/download/{fmt}")
async def download(review_id: str, fmt: str, request: Request, user: WebUser = Depends(current_user)) -> Response:
    if fmt == "json":
        return await run_in_threadpool(_review_json, request, user, review_id)
    if fmt not in ("docx", "html", "pdf") or (fmt == "pdf" and not views.pdf_renderer_available()):
        raise WebNotFound()
    try:
        content, filename = await _annotated(request, user, review_id, fmt)
    except AnnotatedPending:
        return pending_page()
    return attachment(content, fmt, f"{PurePath(filename).stem}.审核.{fmt}")



def _page_count(request: Request, sub_id: str) -> int | None:
    """A PDF draft's page count as the worker read it (cached; waited for a few seconds the first
    time); None while the worker is busy (the page then says so and shows the text view)."""
    import asyncio

    from reviewer.services.annotated import wait_for_output

    wait = min(request.app.state.settings.annotate_wait, 5.0)
    outcome = asyncio.run(wait_for_output(request.app.state.engine, sub_id, "pages", wait))
    if outcome.status == "pending":
        return None
    return int(outcome.data) if outcome.status == "done" else 0


_PAGE_PENDING = ('<svg xmlns="http://www.w3.org/2000/svg" width="600" height="120"><rect width="100%" height="100%" '
                 'fill="#f4f4f4"/><text x="20" y="65" font-size="20" fill="#555">正在生成本页图像，请稍后刷新页面……</text></svg>')


@router.get("/web/reviews/{review_id}/pages/{page_no}.png")
async def pdf_page(review_id: str, page_no: int, request: Request, user: WebUser = Depends(current_user)) -> Response:
    """One page of a PDF draft as an image, its findings highlighted (the review page shows these).
    The worker renders it (reviewer.services.annotated, kind ``p<n>``); while it does, a placeholder."""
    from reviewer.services.annotated import page_kind, page_of, wait_for_output

    def owned() -> str:
        with session_scope(request.app.state.engine) as s:
            return _submission(s, user, review_id).id

    sub_id = await run_in_threadpool(owned)
    if page_of(page_kind(page_no)) is None:
        raise WebNotFound()
    wait = request.app.state.settings.annotate_wait
    count = await wait_for_output(request.app.state.engine, sub_id, "pages", wait)  # cached after the first
    if count.status == "failed" or (count.status == "done" and not 1 <= page_no <= int(count.data)):
        raise WebNotFound()  # not reviewed, not a PDF, no such page: no task asked of the worker
    outcome = await wait_for_output(request.app.state.engine, sub_id, page_kind(page_no), wait)
    if outcome.status == "pending":
        return Response(_PAGE_PENDING, status_code=202, media_type="image/svg+xml",
                        headers={"Retry-After": "2", "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"})
    if outcome.status != "done":  # not reviewed, not a PDF, no such page
        raise WebNotFound()
    return Response(outcome.data, media_type="image/png", headers={"Cache-Control": "private, no-cache",
                                                                   "X-Content-Type-Options": "nosniff"})
