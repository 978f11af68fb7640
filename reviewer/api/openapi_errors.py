"""The error responses in the OpenAPI document: every ``/v1`` operation declares the statuses it can
answer with (401/404/409/413/415/422/429/503, and 500) as the JSON error schema, and the 405
answer's ``Allow`` header. FastAPI only documents 200 and its own 422 shape by itself."""

from __future__ import annotations

from fastapi import FastAPI

ERROR_SCHEMA = {
    "type": "object",
    "required": ["error"],
    "properties": {"error": {
        "type": "object",
        "required": ["code", "message", "message_zh", "message_en"],
        "properties": {
            "code": {"type": "string", "description": "稳定的错误码，如 auth.invalid、input.too_large"},
            "message": {"type": "string", "description": "中文（English）"},
            "message_zh": {"type": "string"},
            "message_en": {"type": "string"},
        },
    }},
}

_DESCRIPTIONS = {
    "400": "请求体无法解析（malformed body）",
    "401": "缺少或无效的 API 密钥（missing, invalid or revoked API key）",
    "404": "未找到（not found; another tenant's id looks the same）",
    "405": "不支持该请求方法（method not allowed; see Allow）",
    "409": "状态冲突：尚未完成、Idempotency-Key 冲突等（conflict）",
    "413": "文件过大（payload too large）",
    "415": "不支持的文件或请求类型（unsupported media type）",
    "422": "请求或草稿无法接受（unprocessable request or draft）",
    "429": "提交过于频繁（rate limited; see Retry-After）",
    "500": "服务内部错误（internal error）",
    "503": "服务繁忙或暂不可用（busy or unavailable; see Retry-After）",
}
_RETRY_AFTER = {"Retry-After": {"description": "建议等待的秒数（seconds to wait）", "schema": {"type": "integer"}}}
_ALLOW = {"Allow": {"description": "该路径支持的请求方法（methods the path supports）", "schema": {"type": "string"}}}
_METHODS = ("get", "put", "post", "delete", "patch")


def _response(status: str) -> dict:
    out = {"description": _DESCRIPTIONS[status],
           "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
    if status in ("429", "503"):
        out["headers"] = _RETRY_AFTER
    if status == "405":
        out["headers"] = _ALLOW
    return out


def add_error_responses(schema: dict) -> dict:
    schema.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    for path, item in schema.get("paths", {}).items():
        if not path.startswith("/v1/"):
            continue
        for method in _METHODS:
            op = item.get(method)
            if op is None:
                continue
            responses = op.setdefault("responses", {})
            statuses = ["400", "401", "404", "405", "409", "422", "429", "500", "503"]
            if method == "post":
                statuses += ["413", "415"]
            for status in statuses:
                responses[status] = _response(status)  # replaces FastAPI's HTTPValidationError 422
            if path == "/v1/reviews" and method == "post" and "202" in responses:
                responses["200"] = {**responses["202"],  # Idempotency-Key replay: the existing submission
                                    "description": "同一 Idempotency-Key 的重复请求：返回原提交（replayed request）"}
    return schema


def install(app: FastAPI) -> None:
    generate = app.openapi

    def openapi() -> dict:
        if app.openapi_schema is None:
            app.openapi_schema = add_error_responses(generate())
        return app.openapi_schema

    app.openapi = openapi
