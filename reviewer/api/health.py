"""Liveness (/healthz: the process answers) and readiness (/readyz: store and broker reachable)."""

from __future__ import annotations

import logging

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

log = logging.getLogger(__name__)
router = APIRouter(tags=["health"])


@router.get("/healthz", summary="进程存活（liveness）")
def healthz() -> dict:
    return {"status": "ok"}


def _check_store(engine) -> str:
    from sqlalchemy import text

    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        return "ok"
    except Exception as exc:  # the class name is for the log, not the answer
        log.warning("readiness check failed: %s: %s", type(exc).__name__, exc)
        return "unavailable"


def _check_broker(url: str) -> str:
    import redis

    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)
        try:
            client.ping()
        finally:
            client.close()
        return "ok"
    except Exception as exc:  # the class name is for the log, not the answer
        log.warning("readiness check failed: %s: %s", type(exc).__name__, exc)
        return "unavailable"


@router.get("/readyz", summary="就绪检查：存储与消息队列可用（readiness）")
async def readyz(request: Request) -> JSONResponse:
    store = await run_in_threadpool(_check_store, request.app.state.engine)
    broker = await run_in_threadpool(_check_broker, request.app.state.settings.redis_url)
    ok = store == "ok" and broker == "ok"
    return JSONResponse({"status": "ok" if ok else "unavailable", "store": store, "broker": broker},
                        status_code=200 if ok else 503)
