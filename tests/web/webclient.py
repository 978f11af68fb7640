"""Signing in over plain HTTP (httpx), the way a browser does: the sign-in form's token, then the cookie."""

from __future__ import annotations

import re

import httpx

_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_of(html: str) -> str:
    m = _TOKEN.search(html)
    assert m, html[:500]
    return m.group(1)


def signed_in(base_url: str, api_key: str) -> httpx.Client:
    c = httpx.Client(base_url=base_url, timeout=30, follow_redirects=False)
    form = c.get("/web/signin")
    r = c.post("/web/signin", data={"csrf_token": csrf_of(form.text), "api_key": api_key, "next": "/web/"})
    assert r.status_code == 303 and r.headers["location"] == "/web/", r.text
    return c
