"""The FastAPI app. Routers come from ROUTERS (module paths exposing ``router``),
so other features (e.g. batches) plug in by adding one line."""

from __future__ import annotations

import importlib

from fastapi import FastAPI

from reviewer.api import errors

ROUTERS = [
    "reviewer.api.health",
    "reviewer.api.reviews",
    "reviewer.api.annotated",  # issue 5
    "reviewer.api.batches",  # issue 5
    "reviewer.api.admin",  # issue 11: API keys over HTTP
    "reviewer.api.reports",  # issue 15: report versions, status, rule stats
    "reviewer.api.units",  # issue 16: units and the roster board
    "reviewer.api.profiles",  # issue 14: a tenant's rule profile
    "reviewer.api.references",  # issue 16: last year's reports of a unit
    "reviewer.api.feedback",  # issue 16: the feedback package of units chosen on the board
    "reviewer.api.rollup",  # issue 16: a region's report against the sum of its subordinates'
]


def create_app(settings=None) -> FastAPI:
    from reviewer.settings import get_settings
    from reviewer.store.db import get_engine

    settings = settings or get_settings()
    app = FastAPI(
        title="reviewer 政府信息公开年度报告审核服务",
        version="0.1.0",
        description="提交报告草稿，异步审核，轮询或经签名 webhook / Redis Stream 获取结果。",
    )
    app.state.settings = settings
    app.state.engine = get_engine(settings.database_url)
    errors.install(app)
    for path in ROUTERS:
        app.include_router(importlib.import_module(path).router)
    from reviewer.api.offline_docs import serve_docs_offline
    from reviewer.api.openapi_bearer import declare_bearer
    from reviewer.web import mount as mount_web  # issue 10: web pages under /web/

    declare_bearer(app)  # Swagger's Authorize button
    serve_docs_offline(app)  # /docs without a CDN
    mount_web(app)
    return app
