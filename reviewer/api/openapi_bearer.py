"""Declare the bearer API key in the OpenAPI schema, so Swagger's Authorize button works.

The key is checked by ``reviewer.api.deps.current_tenant``; this only describes it:
every /v1 operation gets ``security: [{"bearerAuth": []}]``. The previous
``app.openapi`` is wrapped, so other schema customisations compose with this one.
"""

from __future__ import annotations

from fastapi import FastAPI

SCHEME = {"type": "http", "scheme": "bearer", "bearerFormat": "rvk_…",
          "description": "API 密钥（`reviewer apikey create` 生成）：Authorization: Bearer rvk_…"}


def declare_bearer(app: FastAPI) -> None:
    previous = app.openapi

    def openapi() -> dict:
        if app.openapi_schema and "bearerAuth" in app.openapi_schema.get("components", {}).get(
                "securitySchemes", {}):
            return app.openapi_schema
        schema = previous()
        schema.setdefault("components", {}).setdefault("securitySchemes", {})["bearerAuth"] = SCHEME
        for path, ops in schema.get("paths", {}).items():
            if path.startswith("/v1/"):
                for op in ops.values():
                    if isinstance(op, dict):
                        op.setdefault("security", [{"bearerAuth": []}])
        app.openapi_schema = schema
        return schema

    app.openapi = openapi
