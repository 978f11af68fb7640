"""/v1/reviews: submit a draft, poll its status and Review, fetch findings, redeliver the webhook,
and the cursor feed of finished reviews (GET /v1/reviews?since=)."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Depends, Header, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from reviewer.api.deps import TenantRef, current_tenant, db_session
from reviewer.api.errors import ApiError
from reviewer.api.ratelimit import check_submission_rate
from reviewer.api.uploads import read_upload
from reviewer.store.models import ReviewRow, Submission

router = APIRouter(prefix="/v1/reviews", tags=["reviews"])

_ROUND_FIELDS = {
    "report_key": {"type": "string", "maxLength": 200,
                   "description": "报告标识：同一标识的各次提交是同一报告的各个版本（不填则按机关名称与年度自动归并）"},
    "previous_review_id": {"type": "string", "description": "上一稿的审核 id：本稿作为该报告的下一版本"},
}
_UNIT_FIELD = {"description": "报告所属单位（单位编号或完整名称）：优先于按草稿中的机关名称自动匹配；"
                              "未知单位返回 422。限定单位的密钥只能为本单位提交（可省略）"}
_SUBMIT_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {"schema": {"type": "object", "required": ["file"], "properties": {
                "file": {"type": "string", "format": "binary", "description": "报告草稿（.docx/.doc/.wps/.pdf/.rtf/.odt/.txt/.html/.md）"},
                "callback_url": {"type": "string", "description": "审核完成后接收签名 webhook 的地址"},
                "use_llm": {"type": "boolean", "description": "是否启用大模型审核（默认：已配置即启用）"},
                **_ROUND_FIELDS,
                "unit": {"type": "string", "maxLength": 200, **_UNIT_FIELD},
            }}},
            "application/json": {"schema": {"type": "object", "required": ["text"], "properties": {
                "text": {"type": "string", "description": "报告正文"},
                "filename": {"type": "string"},
                "callback_url": {"type": "string"},
                "use_llm": {"type": "boolean"},
                **_ROUND_FIELDS,
                "unit": {"oneOf": [{"type": "integer", "minimum": 1}, {"type": "string", "maxLength": 200}], **_UNIT_FIELD},
            }}},
        },
    }
}


def _iso(dt) -> str | None:
    return dt.isoformat() + "Z" if dt else None


def _summary(sub: Submission) -> dict:
    return {"id": sub.id, "status": sub.status, "filename": sub.filename, "created_at": _iso(sub.created_at),
            "started_at": _iso(sub.started_at), "finished_at": _iso(sub.finished_at),
            "callback_url": sub.callback_url,
            "links": {"self": f"/v1/reviews/{sub.id}", "findings": f"/v1/reviews/{sub.id}/findings"}}


@router.post("", status_code=202, summary="提交报告草稿进行审核", openapi_extra=_SUBMIT_BODY)
async def submit(request: Request, tenant: TenantRef = Depends(current_tenant),
                 idempotency_key: str | None = Header(None, max_length=200)) -> JSONResponse:
    settings = request.app.state.settings
    await run_in_threadpool(check_submission_rate, settings, tenant.id)  # 429 before reading the body
    up = await read_upload(request, settings.max_upload_bytes)
    if up.callback_url:
        from reviewer.services.submissions import check_callback

        await run_in_threadpool(check_callback, up.callback_url, settings.webhook_allowlist)
    from reviewer.services.submissions import submit as submit_draft

    done = await run_in_threadpool(submit_draft, request.app.state.engine, tenant.id, up.data, up.filename,
                                   {"use_llm": up.use_llm}, up.callback_url, idempotency_key,
                                   report_key=up.report_key, previous_review_id=up.previous_review_id,
                                   submitted_by=f"API（{tenant.name}）", unit_id=tenant.unit_id, unit=up.unit)
    body = _summary(done.submission)
    return JSONResponse(body, status_code=202 if done.created else 200,
                        headers={"Location": body["links"]["self"]})


@router.get("", summary="已完成审核的游标订阅（按完成顺序，持久、可分页）")
def feed(since: str | None = Query(None, max_length=18, description="上一页返回的 next_cursor；省略则从头开始"),
         limit: int = Query(100, ge=1, le=500, description="每页条数（1–500）"),
         tenant: TenantRef = Depends(current_tenant), session: Session = Depends(db_session)) -> dict:
    """本租户已完成（done 或 error）的审核，按完成顺序排列，每条只出现一次。保存 `next_cursor`，
    下次以 `since=<next_cursor>` 续读，不会漏掉也不会重复；结果流（Redis）丢失时也可据此补齐。
    Finished reviews of this tenant in the order they finished; the cursor is durable (from the database)."""
    from reviewer.store.submissions import feed_page

    if since is not None and not (since.isascii() and since.isdigit()):
        raise ApiError(422, "request.invalid_cursor", "since 须为上一页返回的 next_cursor",
                       "since must be a next_cursor returned by this endpoint")
    after = int(since) if since else 0
    subs = feed_page(session, tenant.id, after, limit + 1)
    page, more = subs[:limit], len(subs) > limit
    rows = {sid: (status, counts) for sid, status, counts in session.execute(
        select(ReviewRow.submission_id, ReviewRow.status, ReviewRow.counts)
        .where(ReviewRow.submission_id.in_([sub.id for sub in page])))} if page else {}
    out = []
    for sub in page:
        status, counts = rows.get(sub.id, (None, None))
        item = _summary(sub)
        item.update(cursor=str(sub.feed_seq), error=sub.error, review_status=status, counts=counts)
        out.append(item)
    return {"reviews": out, "next_cursor": str(page[-1].feed_seq) if page else str(after), "has_more": more}


def _load(session: Session, tenant: TenantRef, review_id: str) -> Submission:
    from reviewer.store.submissions import get_for_tenant

    sub = get_for_tenant(session, tenant.id, review_id, tenant.unit_id)
    if sub is None:  # another tenant's id looks exactly like a missing one
        raise ApiError(404, "review.not_found", "未找到该审核", "review not found")
    return sub


@router.get("/{review_id}", summary="查询审核状态与结果（Review JSON）")
def get_review(review_id: str, tenant: TenantRef = Depends(current_tenant),
               session: Session = Depends(db_session)) -> dict:
    from reviewer.store.deliveries import attempts_for

    from reviewer.services.rounds import rounds_view

    sub = _load(session, tenant, review_id)
    row = session.get(ReviewRow, sub.id)
    out = _summary(sub)
    rounds = rounds_view(session, sub, row)  # report_key, version, delta; fingerprint and decision per finding
    out.update(attempts=sub.attempts, queue_ms=sub.queue_ms, error=sub.error,
               counts=row.counts if row else None, **rounds,
               webhook_attempts=attempts_for(session, sub.id) if sub.callback_url else [])
    return out


@router.get("/{review_id}/findings", summary="获取审核发现（可按严重程度筛选）")
def get_findings(review_id: str, severity: str | None = Query(None, description="error,warning,info 之一或逗号组合"),
                 tenant: TenantRef = Depends(current_tenant), session: Session = Depends(db_session)) -> dict:
    sub = _load(session, tenant, review_id)
    wanted = {s.strip() for s in severity.split(",") if s.strip()} if severity else None
    if wanted and not wanted <= {"error", "warning", "info"}:
        raise ApiError(422, "request.invalid_severity", "severity 只能是 error、warning、info",
                       "severity must be error, warning or info")
    row = session.get(ReviewRow, sub.id)
    if row is None:
        raise ApiError(409, "review.not_ready", f"审核尚未完成（当前状态：{sub.status}），请稍后再试",
                       f"review not finished yet (status {sub.status})")
    from reviewer.services.rounds import rounds_view

    rounds = rounds_view(session, sub, row)
    findings = [f for f in rounds["review"].get("findings", []) if not wanted or f.get("severity") in wanted]
    return {"id": sub.id, "status": sub.status, "review_status": row.status, "counts": row.counts,
            "open_counts": rounds["open_counts"], "findings": findings}


class DecisionIn(BaseModel):
    fingerprint: str = Field(max_length=200, description="意见的 fingerprint（见 GET /v1/reviews/{id}）")
    decision: Literal["accepted", "dismissed"] | None = Field(
        description="accepted：采纳（将修改）；dismissed：不采纳（须填写 reason）；null：撤销")
    reason: str | None = Field(None, max_length=2000, description="不采纳的理由（dismissed 时必填）")
    by: str | None = Field(None, max_length=200, description="处理人（默认：API 与租户名）")


@router.post("/{review_id}/decisions", summary="处理一条意见：采纳、不采纳（附理由）或撤销",
             responses={200: {"description": "记录的处理意见；以后各版本中同一 fingerprint 的意见沿用它"}})
def decide(review_id: str, body: DecisionIn, tenant: TenantRef = Depends(current_tenant),
           session: Session = Depends(db_session)) -> dict:
    from reviewer.services.accounts import audit
    from reviewer.services.rounds import decide as record

    _load(session, tenant, review_id)  # a unit's key decides on its unit's reviews only
    by = body.by or f"API（{tenant.name}）"
    out = record(session, tenant.id, review_id, body.fingerprint, body.decision, body.reason, by)
    audit(session, tenant.id, by, "decision", review_id, detail={"fingerprint": body.fingerprint,
                                                                  "decision": body.decision})
    session.commit()
    return out


@router.post("/{review_id}/redeliver", status_code=202, summary="重新投递审核完成的 webhook")
def redeliver(review_id: str, tenant: TenantRef = Depends(current_tenant),
              session: Session = Depends(db_session)) -> dict:
    from reviewer.store.deliveries import redeliver as new_sequence

    sub = _load(session, tenant, review_id)
    if not sub.callback_url:
        raise ApiError(409, "webhook.no_callback", "该审核提交时未指定 callback_url", "no callback_url for this review")
    delivery = new_sequence(session, sub)
    if delivery is None:
        raise ApiError(409, "review.not_ready", "审核尚未完成，完成后会自动投递", "review not finished yet")
    session.commit()
    from reviewer.services.submissions import send_delivery

    send_delivery(delivery.id)
    return {"id": sub.id, "delivery_id": delivery.id, "webhook_id": delivery.message_id, "status": "pending"}
