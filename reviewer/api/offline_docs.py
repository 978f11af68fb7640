"""/docs and /redoc without a CDN: Swagger UI and ReDoc from the fastapi-offline package.

FastAPI's own pages load their JavaScript from a public CDN, which an intranet
cannot reach. The routes FastAPI registered are replaced by the same pages
pointing at the files fastapi-offline ships, served under /static-offline-docs.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

STATIC_URL = "/static-offline-docs"


def serve_docs_offline(app: FastAPI) -> None:
    import fastapi_offline

    static = Path(fastapi_offline.__file__).with_name("static")
    docs, redoc = app.docs_url, app.redoc_url
    app.router.routes[:] = [r for r in app.router.routes if getattr(r, "path", None) not in (docs, redoc)]
    app.mount(STATIC_URL, StaticFiles(directory=str(static)), name="static-offline-docs")

    if docs:
        @app.get(docs, include_in_schema=False)
        async def swagger(request: Request) -> HTMLResponse:
            root = request.scope.get("root_path", "")
            return get_swagger_ui_html(
                openapi_url=f"{root}{app.openapi_url}", title=app.title + " - Swagger UI",
                oauth2_redirect_url=app.swagger_ui_oauth2_redirect_url,
                swagger_js_url=f"{root}{STATIC_URL}/swagger-ui-bundle.js",
                swagger_css_url=f"{root}{STATIC_URL}/swagger-ui.css",
                swagger_favicon_url=f"{root}{STATIC_URL}/favicon.png",
                swagger_ui_parameters={**(app.swagger_ui_parameters or {}), "persistAuthorization": True,
                                       "validatorUrl": None})

    if redoc:
        @app.get(redoc, include_in_schema=False)
        async def redoc_page(request: Request) -> HTMLResponse:
            root = request.scope.get("root_path", "")
            return get_redoc_html(openapi_url=f"{root}{app.openapi_url}", title=app.title + " - ReDoc",
                                  redoc_js_url=f"{root}{STATIC_URL}/redoc.standalone.js",
                                  redoc_favicon_url=f"{root}{STATIC_URL}/favicon.png", with_google_fonts=False)
