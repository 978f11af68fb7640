"""/web/profile: the signed-in unit's rule profile (local standards) — the same service the API's
/v1/profile calls (reviewer.services.profiles)."""

from __future__ import annotations

import re

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from reviewer.store.db import session_scope
from reviewer.web.auth import WebUser, admin_user, require_csrf
from reviewer.web.forms import form_text, read_body
from reviewer.web.responses import page

router = APIRouter(include_in_schema=False)
_SEVERITY_WORDS = {"错误": "error", "警告": "warning", "提示": "info", "error": "error", "warning": "warning",
                   "info": "info"}


def _ids(text: str) -> list[str]:
    return [w[:100] for w in re.split(r"[\s,，、;；]+", text) if w][:200]


def _severity(text: str) -> dict[str, str]:
    """Lines “规则编号 = 警告” (or “: warning”); an unknown level is kept as written so validation names it."""
    out = {}
    for line in text.splitlines():
        rule, _, level = re.sub(r"\s*[=:：＝]\s*", "=", line.strip(), count=1).partition("=")
        if rule:
            out[rule] = _SEVERITY_WORDS.get(level.strip(), level.strip())
    return out


def _context(profile, values: dict | None = None, error: str | None = None) -> dict:
    from reviewer.checks import RULES
    from reviewer.checks.profile import RuleProfile
    from reviewer.render.anchors import SEVERITY_ZH

    p = profile or RuleProfile()
    rules = [{"id": r.id, "title": r.title, "declared": "／".join(SEVERITY_ZH[s] for s in r.severities),
              "enabled": p.enabled(r.id), "severity": SEVERITY_ZH.get(p.severity_of(r.id) or "", "")}
             for r in sorted(RULES.values(), key=lambda r: r.id)]
    values = values or {"name": p.name if profile else "", "select": "\n".join(p.select),
                        "ignore": "\n".join(p.ignore),
                        "severity": "\n".join(f"{k} = {SEVERITY_ZH[v]}" for k, v in p.severity.items())}
    return {"rules": rules, "values": values, "error": error, "is_default": profile is None}


@router.get("/web/profile")
def profile_page(request: Request, user: WebUser = Depends(admin_user)) -> HTMLResponse:
    from reviewer.services.profiles import get_profile

    with session_scope(request.app.state.engine) as s:
        profile = get_profile(s, user.tenant_id)
    return page(request, "profile.html", _context(profile), user=user)


@router.post("/web/profile")
async def save_profile(request: Request, user: WebUser = Depends(admin_user)) -> Response:
    from starlette.concurrency import run_in_threadpool

    from reviewer.services.profiles import ProfileError, clear_profile, get_profile, set_profile

    await read_body(request, 256 * 1024)
    form = await request.form(max_files=0, max_fields=10)
    require_csrf(form, user)
    values = {k: form_text(form, k) for k in ("name", "select", "ignore", "severity")}

    def store() -> str | None:
        with session_scope(request.app.state.engine) as s:
            if form_text(form, "action") == "clear":
                clear_profile(s, user.tenant_id)
                return None
            try:
                set_profile(s, user.tenant_id, {"name": values["name"] or "本单位规则配置",
                                                "select": _ids(values["select"]) or ["ALL"],
                                                "ignore": _ids(values["ignore"]),
                                                "severity": _severity(values["severity"])})
            except ProfileError as exc:
                s.rollback()
                return exc.message_zh
            return None

    error = await run_in_threadpool(store)
    if error:
        with session_scope(request.app.state.engine) as s:
            profile = get_profile(s, user.tenant_id)
        return page(request, "profile.html", _context(profile, values, error), status=422, user=user)
    return RedirectResponse("/web/profile", status_code=303)
