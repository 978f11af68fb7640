"""Overload and failures answered in the JSON error shape: never a plain-text 500.

- No pooled database connection within ``db_pool_timeout`` (too many requests at once) or the
  database unreachable: 503 with ``Retry-After``.
- A NUL byte or another control character in the URL path or query: 404/422 before any handler —
  no id we issue holds one, and PostgreSQL refuses NUL in text.
- Anything else unexpected: 500, logged with its trace, in the same JSON shape.
"""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from sqlalchemy.exc import DBAPIError, OperationalError, TimeoutError as PoolTimeout

from reviewer.api.errors import error_body

log = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 2


def busy(code: str = "service.busy") -> JSONResponse:
    return JSONResponse(error_body(code, "服务繁忙，请稍后重试", "service busy, retry later"), status_code=503,
                        headers={"Retry-After": str(RETRY_AFTER_SECONDS)})


def _bad_char(text: str) -> bool:
    return any(ch < " " or ch == "\x7f" or "\ud800" <= ch <= "\udfff" for ch in text)


class InputCharacters:
    """ASGI middleware: URL paths and queries with control characters end here."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http":
            from urllib.parse import unquote_to_bytes

            query = unquote_to_bytes(scope.get("query_string", b"").replace(b"+", b" "))
            if _bad_char(scope.get("path", "")):
                response = JSONResponse(error_body("http.404", "未找到", "not found"), status_code=404)
                return await response(scope, receive, send)
            if b"\x00" in query or not _utf8(query):
                response = JSONResponse(error_body("request.invalid", "请求参数含有非法字符",
                                                   "invalid characters in the query string"), status_code=422)
                return await response(scope, receive, send)
        return await self.app(scope, receive, send)


_UPLOAD_PATHS = ("/v1/reviews", "/v1/batches", "/web/reviews", "/web/batches")


class UploadSlots:
    """ASGI middleware: at most ``max_concurrent_uploads`` large uploads (``large_upload_bytes`` or
    more, or of unknown size) are read at once by this process; one more gets 503 + Retry-After
    at once, before its body is read. A slot is held until the response is sent."""

    def __init__(self, app, settings):
        self.app, self.settings, self.active = app, settings, 0

    def _large(self, scope) -> bool:
        if scope["type"] != "http" or scope["method"] != "POST" or scope["path"].rstrip("/") not in _UPLOAD_PATHS:
            return False
        length = dict(scope["headers"]).get(b"content-length")
        return not (length and length.isdigit()) or int(length) >= self.settings.large_upload_bytes

    async def __call__(self, scope, receive, send):
        limit = self.settings.max_concurrent_uploads
        if not limit or not self._large(scope):
            return await self.app(scope, receive, send)
        if self.active >= limit:
            log.info("upload refused: %d large uploads already being read (REVIEWER_MAX_CONCURRENT_UPLOADS)", self.active)
            response = JSONResponse(error_body("service.busy", f"正在接收的大文件上传已达上限（{limit} 个），请稍后重试",
                                               f"too many large uploads at once (limit {limit}); retry later"),
                                    status_code=503, headers={"Retry-After": str(UPLOAD_RETRY_AFTER_SECONDS)})
            return await response(scope, receive, send)
        self.active += 1
        try:
            return await self.app(scope, receive, send)
        finally:
            self.active -= 1


UPLOAD_RETRY_AFTER_SECONDS = 10


class BodyTimeout(Exception):
    """The client sent its request body too slowly (slowloris)."""


class SlowBodies:
    """ASGI middleware: a request body must keep up an average of ``body_min_rate`` bytes per second
    after a grace of ``body_timeout`` seconds — by time t after the request began, at least
    (t − body_timeout) × body_min_rate bytes have arrived — otherwise the handler's next read raises
    BodyTimeout → 408 and the connection is closed. A client trickling a byte now and then (slowloris)
    is cut off after about ``body_timeout`` seconds, whatever size it declared."""

    def __init__(self, app, settings):
        self.app, self.settings = app, settings

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS", "DELETE"):
            return await self.app(scope, receive, send)
        import asyncio

        loop = asyncio.get_running_loop()
        start, grace, rate = loop.time(), self.settings.body_timeout, max(self.settings.body_min_rate, 1)
        received, done = 0, False

        async def timed():
            nonlocal received, done
            if done:  # the body is in: waiting for a disconnect is not timed
                return await receive()
            due = start + grace + received / rate  # when the next bytes must have come
            try:
                message = await asyncio.wait_for(receive(), max(due - loop.time(), 0.001))
            except asyncio.TimeoutError:
                raise BodyTimeout() from None
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
            if message["type"] != "http.request" or not message.get("more_body", False):
                done = True
            return message

        return await self.app(scope, timed, send)


def _utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
        return True
    except UnicodeDecodeError:
        return False


def install(app: FastAPI) -> None:
    from starlette.requests import ClientDisconnect

    app.add_middleware(InputCharacters)
    settings = app.state.settings
    app.add_middleware(SlowBodies, settings=settings)
    app.add_middleware(UploadSlots, settings=settings)

    @app.exception_handler(ClientDisconnect)
    async def _client_gone(request: Request, exc: ClientDisconnect) -> Response:
        log.info("client disconnected during %s %s; request abandoned", request.method, request.url.path)
        return Response(status_code=400)  # nobody reads it

    @app.exception_handler(BodyTimeout)
    async def _body_too_slow(request: Request, exc: BodyTimeout) -> JSONResponse:
        log.info("request body of %s %s too slow; answered 408", request.method, request.url.path)
        return JSONResponse(error_body("request.timeout", "请求正文发送过慢，已超时；请检查网络后重试",
                                       "the request body arrived too slowly; retry"),
                            status_code=408, headers={"Connection": "close"})

    @app.exception_handler(PoolTimeout)
    async def _pool_exhausted(request: Request, exc: PoolTimeout) -> JSONResponse:
        log.warning("no database connection free for %s %s: answering 503", request.method, request.url.path)
        return busy()

    @app.exception_handler(OperationalError)
    async def _db_unavailable(request: Request, exc: OperationalError) -> JSONResponse:
        log.warning("database unavailable for %s %s: %s", request.method, request.url.path, exc.orig)
        return busy("service.unavailable")

    @app.exception_handler(DBAPIError)
    async def _db_refused(request: Request, exc: DBAPIError) -> JSONResponse:
        log.error("database error for %s %s", request.method, request.url.path, exc_info=exc)
        return _internal()

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.error("unhandled error for %s %s", request.method, request.url.path, exc_info=exc)
        return _internal()


def _internal() -> JSONResponse:
    return JSONResponse(error_body("internal.error", "服务内部错误，请稍后重试或联系维护人员", "internal server error"),
                        status_code=500)
