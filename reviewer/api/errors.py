"""JSON errors: ``{"error": {"code", "message", "message_zh", "message_en"}}``, Chinese first."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from reviewer.services.errors import ServiceError as ApiError  # one error type for API, web and services

__all__ = ["ApiError", "error_body", "install"]


def error_body(code: str, message_zh: str, message_en: str) -> dict:
    return {"error": {"code": code, "message": f"{message_zh}（{message_en}）",
                      "message_zh": message_zh, "message_en": message_en}}


def install(app: FastAPI) -> None:
    from reviewer.api import openapi_errors, overload

    overload.install(app)  # 503 on overload, JSON 500s, control characters in URLs (issue 11)
    openapi_errors.install(app)  # the error responses in the OpenAPI document
    @app.exception_handler(ApiError)
    async def _api_error(_request: Request, exc: ApiError) -> JSONResponse:
        return JSONResponse(error_body(exc.code, exc.message_zh, exc.message_en), status_code=exc.status,
                            headers=exc.headers)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        zh = {404: "未找到", 405: "不支持该请求方法"}.get(exc.status_code, "请求错误")
        return JSONResponse(error_body(f"http.{exc.status_code}", zh, str(exc.detail)), status_code=exc.status_code,
                            headers=getattr(exc, "headers", None))  # 405 keeps its Allow header

    @app.exception_handler(RequestValidationError)
    async def _validation(_request: Request, exc: RequestValidationError) -> JSONResponse:
        first = exc.errors()[0] if exc.errors() else {}
        where = ".".join(str(p) for p in first.get("loc", ()))
        return JSONResponse(error_body("request.invalid", f"请求参数不正确：{where}",
                                       f"invalid request: {where}: {first.get('msg', '')}"), status_code=422)
