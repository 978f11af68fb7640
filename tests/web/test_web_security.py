"""The web pages' guards, over HTTP against the real service: sign-in redirects, CSRF,
tenant isolation, cookie flags, and that no page loads anything from outside the service."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import httpx
import pytest

from conftest import SAMPLE
from service_procs import wait_until
from webclient import csrf_of, signed_in

PAGES = ["/web/", "/web/batches/new", "/web/history", "/web/rules/table3.balance"]


@pytest.fixture(scope="module")
def a_work(web_stack):
    """A review and a batch of tenant A, made through the API, both finished."""
    svc, a, _b, _ = web_stack
    auth = {"Authorization": f"Bearer {a['api_key']}"}
    r = httpx.post(f"{svc.url}/v1/reviews", headers=auth, timeout=30,
                   files={"file": ("wuhai.txt", SAMPLE.read_bytes(), "text/plain")}, data={"use_llm": "false"})
    assert r.status_code == 202, r.text
    review_id = r.json()["id"]
    r = httpx.post(f"{svc.url}/v1/batches", headers=auth, timeout=30, data={"use_llm": "false"},
                   files=[("files", ("a.txt", SAMPLE.read_bytes(), "text/plain")),
                          ("files", ("b.txt", SAMPLE.read_bytes().replace(b"1248", b"2248"), "text/plain"))])
    assert r.status_code == 202, r.text
    batch_id = r.json()["id"]
    wait_until(lambda: httpx.get(f"{svc.url}/v1/batches/{batch_id}", headers=auth).json()["status"] == "done"
               and httpx.get(f"{svc.url}/v1/reviews/{review_id}", headers=auth).json()["status"] == "done",
               90, interval=0.5, what="tenant A's review and batch")
    return review_id, batch_id


def test_pages_without_a_session_redirect_to_sign_in(web_stack, a_work):
    svc = web_stack[0]
    review_id, batch_id = a_work
    for path in [*PAGES, f"/web/reviews/{review_id}", f"/web/batches/{batch_id}",
                 f"/web/reviews/{review_id}/download/docx", f"/web/batches/{batch_id}/summary.xlsx"]:
        r = httpx.get(svc.url + path, follow_redirects=False)
        assert r.status_code == 303, path
        assert r.headers["location"].startswith("/web/signin?next="), path
    assert httpx.get(svc.url + "/", follow_redirects=False).headers["location"] == "/web/"
    # a forged or tampered cookie is no session either
    r = httpx.get(svc.url + "/web/", cookies={"reviewer_session": "eyJ0IjoxfQ.forged.sig"}, follow_redirects=False)
    assert r.status_code == 303
    # a poll from a page whose session ran out gets 401 JSON, not a redirect to HTML
    assert httpx.get(f"{svc.url}/web/reviews/{review_id}/status.json").status_code == 401


def test_sign_in_sets_a_signed_httponly_samesite_cookie_with_expiry(web_stack):
    svc, a, _b, _ = web_stack
    c = httpx.Client(base_url=svc.url, follow_redirects=False)
    form = c.get("/web/signin")
    r = c.post("/web/signin", data={"csrf_token": csrf_of(form.text), "api_key": a["api_key"], "next": "/web/"})
    assert r.status_code == 303
    cookie = next(h for h in r.headers.get_list("set-cookie") if h.startswith("reviewer_session="))
    flags = [p.strip().lower() for p in cookie.split(";")]
    assert "httponly" in flags and "samesite=lax" in flags and "path=/" in flags
    assert any(f.startswith("max-age=") and int(f.split("=")[1]) > 0 for f in flags)
    assert a["api_key"] not in cookie  # the key itself never leaves the sign-in request
    # wrong key: the form again with the reason, no session
    form = c.get("/web/signin")
    bad = c.post("/web/signin", data={"csrf_token": csrf_of(form.text), "api_key": "rvk_wrong", "next": "/web/"})
    assert bad.status_code == 401 and "API 密钥无效" in bad.text
    assert not any(h.startswith("reviewer_session=") for h in bad.headers.get_list("set-cookie"))
    # an open redirect through ?next= is not followed
    form = c.get("/web/signin")
    r = c.post("/web/signin", data={"csrf_token": csrf_of(form.text), "api_key": a["api_key"],
                                    "next": "https://evil.example/"})
    assert r.headers["location"] == "/web/"
    # sign out (with its token) ends the session
    home = c.get("/web/")
    assert home.status_code == 200
    out = c.post("/web/signout", data={"csrf_token": csrf_of(home.text)})
    assert out.status_code == 303 and out.headers["location"] == "/web/signin"
    assert c.get("/web/").status_code == 303


def test_form_posts_without_the_csrf_token_are_refused(web_stack, a_work):
    svc, a, _b, _ = web_stack
    c = signed_in(svc.url, a["api_key"])
    draft = {"file": ("w.txt", SAMPLE.read_bytes(), "text/plain")}
    for data in ({}, {"csrf_token": "not-the-token"}):
        r = c.post("/web/reviews", data=data, files=draft)
        assert r.status_code == 403 and "安全令牌" in r.text
        r = c.post("/web/batches", data=data, files={"files": ("w.txt", SAMPLE.read_bytes(), "text/plain")})
        assert r.status_code == 403
        assert c.post("/web/signout", data=data).status_code == 403
    # the sign-in form has its own token (login CSRF): a post from elsewhere is refused
    fresh = httpx.Client(base_url=svc.url, follow_redirects=False)
    assert fresh.post("/web/signin", data={"api_key": a["api_key"]}).status_code == 403
    # nothing was stored by the refused posts
    history = c.get("/web/history").text
    assert "w.txt" not in history
    # with the token the same post is accepted
    ok = c.post("/web/reviews", data={"csrf_token": csrf_of(c.get("/web/").text)}, files=draft)
    assert ok.status_code == 303 and ok.headers["location"].startswith("/web/reviews/")


def test_another_tenants_review_and_batch_are_404(web_stack, a_work):
    svc, a, b, _ = web_stack
    review_id, batch_id = a_work
    mine = signed_in(svc.url, a["api_key"])
    theirs = signed_in(svc.url, b["api_key"])
    paths = [f"/web/reviews/{review_id}", f"/web/reviews/{review_id}/status.json",
             f"/web/reviews/{review_id}/annotated.html", f"/web/reviews/{review_id}/download/docx",
             f"/web/reviews/{review_id}/download/json", f"/web/batches/{batch_id}",
             f"/web/batches/{batch_id}/progress.json", f"/web/batches/{batch_id}/summary.xlsx"]
    for path in paths:
        assert mine.get(path).status_code == 200, path
        r = theirs.get(path)
        assert r.status_code == 404, path
        assert review_id not in r.text and "乌海市工业和信息化局" not in r.text
    missing = theirs.get("/web/reviews/0123456789abcdef0123456789abcdef")
    assert missing.status_code == 404 and missing.text == theirs.get(f"/web/reviews/{review_id}").text
    assert review_id not in theirs.get("/web/history").text and batch_id not in theirs.get("/web/history").text
    assert review_id in mine.get("/web/history").text and batch_id in mine.get("/web/history").text


class _Refs(HTMLParser):
    def __init__(self):
        super().__init__()
        self.refs: list[tuple[str, str, str]] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("src", "href", "action", "srcset", "poster", "data") and value is not None:
                self.refs.append((tag, name, value))


def _external(html: str) -> list:
    p = _Refs()
    p.feed(html)
    bad = [r for r in p.refs if not r[2].startswith("/") or r[2].startswith("//")]
    # CSS url(...) and @import in inline styles, too
    bad += [("css", "url", u) for u in re.findall(r"url\(\s*['\"]?([^'\")]+)", html) if not u.startswith("data:")]
    bad += [("css", "import", u) for u in re.findall(r"@import\s+['\"]?([^'\";]+)", html)]
    return bad


def test_no_page_loads_anything_from_outside_the_service(web_stack, a_work):
    svc, a, _b, _ = web_stack
    review_id, batch_id = a_work
    c = signed_in(svc.url, a["api_key"])
    pages = [*PAGES, "/web/signin", f"/web/reviews/{review_id}", f"/web/reviews/{review_id}/annotated.html",
             f"/web/batches/{batch_id}"]
    refs_seen = 0
    for path in pages:
        r = c.get(path)
        assert r.status_code == 200, path
        assert _external(r.text) == [], path
        parsed = _Refs()
        parsed.feed(r.text)
        refs_seen += len(parsed.refs)
        csp = r.headers["content-security-policy"]
        assert "http" not in csp and "*" not in csp, csp  # only 'self' (or nothing) may load
    assert refs_seen > 0
    # the static files they name are served here
    for asset in ("/web/static/app.css", "/web/static/app.js"):
        r = c.get(asset)
        assert r.status_code == 200 and "http://" not in r.text and "https://" not in r.text
    # so are Swagger UI and ReDoc (FastAPI's own pages would load them from a CDN)
    for path in ("/docs", "/redoc"):
        r = c.get(path)
        assert r.status_code == 200 and _external(r.text) == [], path
        for src in re.findall(r'(?:src|href)="([^"]+)"', r.text):
            assert c.get(src).status_code == 200, src


def test_openapi_declares_the_bearer_scheme_and_leaves_web_routes_out(web_stack):
    svc = web_stack[0]
    schema = httpx.get(svc.url + "/openapi.json").json()
    assert schema["components"]["securitySchemes"]["bearerAuth"] == {
        "type": "http", "scheme": "bearer", "bearerFormat": "rvk_…",
        "description": schema["components"]["securitySchemes"]["bearerAuth"]["description"]}
    assert schema["paths"]["/v1/reviews"]["post"]["security"] == [{"bearerAuth": []}]
    assert schema["paths"]["/v1/batches/{batch_id}"]["get"]["security"] == [{"bearerAuth": []}]
    assert "security" not in schema["paths"]["/healthz"]["get"]
    assert not [p for p in schema["paths"] if p.startswith("/web") or p == "/"]


def test_pasted_text_with_deadline_and_refusals_shown_on_the_form(web_stack):
    svc, a, _b, _ = web_stack
    c = signed_in(svc.url, a["api_key"])
    token = csrf_of(c.get("/web/").text)
    # nothing chosen, nothing pasted: the form again, with the reason in Chinese
    r = c.post("/web/reviews", data={"csrf_token": token}, files={"file": ("", b"", "application/octet-stream")})
    assert r.status_code == 422 and "请选择或拖入报告文件，或粘贴报告正文" in r.text
    r = c.post("/web/reviews", data={"csrf_token": token}, files={"file": ("a.txt", b"   \n", "text/plain")})
    assert r.status_code == 422 and "文件为空" in r.text
    r = c.post("/web/reviews", data={"csrf_token": token, "text": "x", "callback_url": "http://127.0.0.1:9/hook"},
               files={"file": ("", b"", "application/octet-stream")})
    assert r.status_code == 422 and 'value="http://127.0.0.1:9/hook"' in r.text  # the form keeps what was typed
    r = c.post("/web/reviews", data={"csrf_token": token, "text": "x", "deadline": "明天"},
               files={"file": ("", b"", "application/octet-stream")})
    assert r.status_code == 422 and "deadline" in r.text
    # pasted text with a deadline: reviewed like an upload; the deadline shows on the page
    r = c.post("/web/reviews", data={"csrf_token": token, "text": SAMPLE.read_text("utf-8"), "deadline": "2099-01-31"},
               files={"file": ("", b"", "application/octet-stream")})
    assert r.status_code == 303, r.text
    url = r.headers["location"]
    wait_until(lambda: c.get(url + "/status.json").json()["finished"], 60, interval=0.5, what="pasted review")
    page = c.get(url).text
    assert "粘贴的正文.txt" in page and "截止 2099-01-31 24时" in page and 'data-count="error">8<' in page  # 11 errors, 4 folded into 1 root cause
    # text that is not a report: the page says so, and offers no annotated copy
    r = c.post("/web/reviews", data={"csrf_token": token, "text": "今天天气很好。\n我们去公园散步。\n"},
               files={"file": ("", b"", "application/octet-stream")})
    url = r.headers["location"]
    wait_until(lambda: c.get(url + "/status.json").json()["finished"], 60, interval=0.5, what="non-report")
    page = c.get(url).text
    assert "无法审核" in page and "download-docx" not in page
    assert "不是政府信息公开工作年度报告" in page and "input.not_a_report" not in page  # issue 17: Chinese only


def test_pdf_download_is_offered_only_for_a_pdf_input_with_a_pdf_renderer(monkeypatch):
    import reviewer.render as render
    from reviewer.web import views

    monkeypatch.setattr(render, "ANNOTATED_FORMATS", ("docx", "html"))
    monkeypatch.setattr(views.importlib.util, "find_spec", lambda name: None)
    assert not views.pdf_renderer_available()
    monkeypatch.setattr(render, "ANNOTATED_FORMATS", ("docx", "html", "pdf"))
    assert views.pdf_renderer_available()
    assert views.input_was_pdf("报告.PDF", b"") and views.input_was_pdf("draft", b"%PDF-1.7\n")
    assert not views.input_was_pdf("报告.docx", b"PK\x03\x04")


def test_a_batch_of_several_files_from_the_form(web_stack):
    svc, a, _b, _ = web_stack
    c = signed_in(svc.url, a["api_key"])
    token = csrf_of(c.get("/web/batches/new").text)
    r = c.post("/web/batches", data={"csrf_token": token},
               files=[("files", ("", b"", "application/octet-stream"))])
    assert r.status_code == 422 and "请选择或拖入一个 zip 压缩包或多个报告文件" in r.text
    files = [("files", ("甲.txt", SAMPLE.read_bytes(), "text/plain")),
             ("files", ("乙.txt", SAMPLE.read_bytes().replace(b"1248", b"2248"), "text/plain")),
             ("files", ("说明.txt", b"\xff\xfe\x00\x00binary", "text/plain"))]
    r = c.post("/web/batches", data={"csrf_token": token, "deadline": "2099-01-31"}, files=files)
    assert r.status_code == 303, r.text
    url = r.headers["location"]
    final = wait_until(lambda: (p := c.get(url + "/progress.json").json())["status"] == "done" and p, 90,
                       interval=0.5, what="web batch")
    assert final["total"] == 3 and final["counts"]["done"] == 2 and final["counts"]["failed"] == 1
    page = c.get(url).text
    assert "甲.txt" in page and "乙.txt" in page and "无法审核" in page and "download-xlsx" in page
    assert c.get(url + "/summary.csv").status_code == 200


def test_names_from_the_draft_are_escaped(web_stack):
    svc, a, _b, _ = web_stack
    c = signed_in(svc.url, a["api_key"])
    evil = '<img src=x onerror=alert(1)>.txt'
    r = c.post("/web/reviews", data={"csrf_token": csrf_of(c.get("/web/").text)},
               files={"file": (evil, SAMPLE.read_bytes(), "text/plain")})
    assert r.status_code == 303
    for page in (c.get(r.headers["location"]).text, c.get("/web/history").text):
        assert "<img src=x" not in page and "&lt;img src=x onerror=alert(1)&gt;.txt" in page
