"""Issue 16 security and issue 17 item 4, over HTTP against the real API, worker, Redis and PostgreSQL:
only argon2 hashes are stored; sign-in locks after repeated failures; a 填报单位 session (and a unit's
API key) gets 404 on every other unit's review, report, batch and download route; every new form
refuses a post without its CSRF token; sign-out, a password change and key revocation end sessions
on the server (a copied cookie stops working); an ended session says 登录已过期 and brings the user back."""

from __future__ import annotations

import json
import time
from urllib.parse import quote

import httpx
import pytest
from sqlalchemy import text, update

from conftest import SAMPLE, reviewer_cli
from webclient import csrf_of

TENANT = "包头市政务公开办"
UNITS = ("name,aliases,kind,parent,deadline\n包头市人民政府,,政府,,\n"
         "包头市教育局,,部门,包头市人民政府,\n包头市民政局,,部门,包头市人民政府,\n")
ADMIN_PW, CLERK_X_PW, CLERK_Y_PW, REVIEWER_PW = "Bt-admin-pass-1", "Bt-clerk-x-pass", "Bt-clerk-y-pass", "Bt-review-pass"


def sign_in(base: str, username: str, password: str, next_url: str = "/web/") -> httpx.Client:
    c = httpx.Client(base_url=base, timeout=30, follow_redirects=False)
    form = c.get("/web/signin")
    r = c.post("/web/signin", data={"csrf_token": csrf_of(form.text), "username": username, "password": password,
                                    "next": next_url})
    assert r.status_code == 303 and r.headers["location"] == next_url, r.text[-600:]
    return c


def attempt(base: str, username: str, password: str) -> httpx.Response:
    c = httpx.Client(base_url=base, timeout=30, follow_redirects=False)
    form = c.get("/web/signin")
    return c.post("/web/signin", data={"csrf_token": csrf_of(form.text), "username": username,
                                       "password": password, "next": "/web/"})


def _wait_done(c: httpx.Client, review_id: str, headers: dict | None = None) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        r = c.get(f"/v1/reviews/{review_id}", headers=headers) if headers else \
            c.get(f"/web/reviews/{review_id}/status.json")
        if r.status_code == 200 and r.json()["status"] in ("done", "error"):
            return
        time.sleep(0.3)
    raise AssertionError(f"review {review_id} did not finish")


@pytest.fixture(scope="module")
def office(pg_web_stack):
    """A tenant with 3 units, an admin, a 审核员, clerks of 教育局 (x) and 民政局 (y), keys for 民政局 and
    for the whole tenant; a review of x (web), one of y (its key), a batch (tenant key)."""
    svc, env, engine = pg_web_stack
    out = reviewer_cli(env, "admin", "create", "--tenant", TENANT, "--username", "bt-admin", "--password", ADMIN_PW)
    assert out.returncode == 0, out.stderr
    admin = sign_in(svc.url, "bt-admin", ADMIN_PW, "/web/admin")
    page = admin.get("/web/admin")
    r = admin.post("/web/admin/units", data={"csrf_token": csrf_of(page.text)},
                   files={"file": ("units.csv", UNITS.encode("utf-8"), "text/csv")})
    assert r.status_code == 303, r.text[-500:]
    with engine.connect() as conn:
        ids = dict(conn.execute(text("SELECT name, id FROM units WHERE tenant_id = "
                                     "(SELECT id FROM tenants WHERE name = :t)"), {"t": TENANT}).all())
    for name, pw, role, unit in (("bt-x", CLERK_X_PW, "clerk", "包头市教育局"), ("bt-y", CLERK_Y_PW, "clerk", "包头市民政局"),
                                 ("bt-rev", REVIEWER_PW, "reviewer", None)):
        page = admin.get("/web/admin")
        r = admin.post("/web/admin/accounts", data={"csrf_token": csrf_of(page.text), "username": name, "password": pw,
                                                    "role": role, "unit_id": str(ids[unit]) if unit else ""})
        assert r.status_code == 303, r.text[-500:]
    key_y = json.loads(reviewer_cli(env, "apikey", "create", "--tenant", TENANT, "--unit", "包头市民政局").stdout)
    key_all = json.loads(reviewer_cli(env, "apikey", "create", "--tenant", TENANT).stdout)
    assert key_y["unit"] == "包头市民政局"

    x = sign_in(svc.url, "bt-x", CLERK_X_PW)
    page = x.get("/web/")
    r = x.post("/web/reviews", data={"csrf_token": csrf_of(page.text)},
               files={"file": ("教育局.txt", SAMPLE.read_bytes(), "text/plain")})
    assert r.status_code == 303, r.text[-500:]
    review_x = r.headers["location"].rsplit("/", 1)[1]
    api = httpx.Client(base_url=svc.url, timeout=30)
    hy = {"Authorization": f"Bearer {key_y['api_key']}"}
    from reportgen import consistent_spec, to_docx

    draft_y = to_docx(consistent_spec(agency="包头市民政局", year=2026, seed=11))
    review_y = api.post("/v1/reviews", headers=hy, files={"file": ("民政局.docx", draft_y)}).json()["id"]
    hall = {"Authorization": f"Bearer {key_all['api_key']}"}
    batch = api.post("/v1/batches", headers=hall, files=[("files", ("a.txt", SAMPLE.read_bytes(), "text/plain"))])
    assert batch.status_code == 202, batch.text
    _wait_done(x, review_x)
    _wait_done(api, review_y, hy)
    report_key = api.get(f"/v1/reviews/{review_x}", headers=hall).json()["report_key"]
    return {"svc": svc, "env": env, "engine": engine, "admin": admin, "x": x, "api": api, "hy": hy, "hall": hall,
            "key_y": key_y, "review_x": review_x, "review_y": review_y, "batch": batch.json()["id"],
            "report_key": report_key, "units": ids}


def test_only_argon2_hashes_are_stored(office):
    with office["engine"].connect() as conn:
        hashes = dict(conn.execute(text("SELECT username, password_hash FROM users")).all())
        dump = json.dumps([[str(v) for v in row] for table in ("users", "audit_events", "web_sessions")
                           for row in conn.execute(text(f"SELECT * FROM {table}")).all()], ensure_ascii=False)
    assert all(h.startswith("$argon2id$") for h in hashes.values()) and {"bt-admin", "bt-x", "bt-y"} <= set(hashes)
    for pw in (ADMIN_PW, CLERK_X_PW, CLERK_Y_PW, REVIEWER_PW):
        assert pw not in dump
    assert CLERK_X_PW not in str(office["x"].cookies.get("reviewer_session"))


def test_sign_in_locks_after_repeated_failures_and_an_admin_reset_unlocks(office):
    base = office["svc"].url
    for _ in range(5):
        r = attempt(base, "bt-rev", "wrong-password!")
        assert r.status_code == 401 and "用户名或密码不正确" in r.text
    locked = attempt(base, "bt-rev", REVIEWER_PW)  # the right password, but locked now
    assert locked.status_code == 429 and "锁定" in locked.text and "/web/" not in locked.headers.get("location", "")
    admin = office["admin"]
    page = admin.get("/web/admin")
    with office["engine"].connect() as conn:
        rev_id = conn.execute(text("SELECT id FROM users WHERE username = 'bt-rev'")).scalar()
    r = admin.post(f"/web/admin/accounts/{rev_id}/password", data={"csrf_token": csrf_of(page.text),
                                                                   "password": REVIEWER_PW + "2"})
    assert r.status_code == 303
    sign_in(base, "bt-rev", REVIEWER_PW + "2")
    log = admin.get("/web/admin").text
    assert "登录失败" in log and "登录被拒（账号锁定）" in log and "重置密码" in log


def test_a_clerk_and_a_unit_key_get_404_for_every_other_unit_route(office):
    svc, rx, ry, batch = office["svc"], office["review_x"], office["review_y"], office["batch"]
    y = sign_in(svc.url, "bt-y", CLERK_Y_PW)
    assert office["x"].get(f"/web/reviews/{rx}").status_code == 200  # its own: fine
    assert y.get(f"/web/reviews/{ry}").status_code == 200  # submitted with 民政局's key: 民政局's report
    web = [f"/web/reviews/{rx}", f"/web/reviews/{rx}/status.json", f"/web/reviews/{rx}/annotated.html",
           *(f"/web/reviews/{rx}/download/{f}" for f in ("docx", "html", "json", "pdf")),
           f"/web/batches/{batch}", f"/web/batches/{batch}/progress.json", f"/web/batches/{batch}/summary.xlsx",
           f"/web/batches/{batch}/summary.csv", "/web/batches/new", "/web/board", "/web/board.xlsx", "/web/admin",
           "/web/admin/units.csv", "/web/admin/units.xlsx", "/web/stats/rules",
           f"/web/reports/{quote(office['report_key'], safe='')}"]
    for path in web:
        r = y.get(path)
        assert r.status_code == 404, (path, r.status_code)
        if not path.endswith(".json"):
            assert "未找到" in r.text and "包头市教育局" not in r.text and "header" in r.text, path
    assert "教育局.txt" not in y.get("/web/history").text
    token = csrf_of(y.get("/web/").text)
    fp = office["api"].get(f"/v1/reviews/{rx}", headers=office["hall"]).json()["review"]["findings"][0]["fingerprint"]
    for path, data in ((f"/web/reviews/{rx}/decisions", {"fingerprint": fp, "decision": "accepted"}),
                       (f"/web/reports/{quote(office['report_key'], safe='')}/status", {"status": "approved"}),
                       ("/web/board/approve", {"review_id": rx}), ("/web/board/assign", {"review_id": rx, "unit_id": "1"})):
        r = y.post(path, data={"csrf_token": token, **data})
        assert r.status_code == 404, (path, r.status_code)
    x_report = office["x"].get(f"/web/reports/{quote(office['report_key'], safe='')}")
    assert x_report.status_code == 200 and 'id="status-approved"' not in x_report.text  # 填报单位 cannot approve
    api, hy = office["api"], office["hy"]
    assert api.get(f"/v1/reviews/{ry}", headers=hy).status_code == 200  # its own
    calls = [("GET", f"/v1/reviews/{rx}"), ("GET", f"/v1/reviews/{rx}/findings"),
             ("GET", f"/v1/reviews/{rx}/annotated?format=docx"), ("GET", f"/v1/reviews/{rx}/annotated?format=html"),
             ("POST", f"/v1/reviews/{rx}/redeliver"), ("GET", f"/v1/batches/{batch}"),
             ("GET", f"/v1/batches/{batch}/summary?format=xlsx"), ("GET", "/v1/reports"),
             ("GET", f"/v1/reports/{quote(office['report_key'], safe='')}"), ("GET", "/v1/rules/stats"),
             ("GET", "/v1/board"), ("GET", "/v1/units")]
    for method, path in calls:
        r = api.request(method, path, headers=hy)
        assert r.status_code == 404, (method, path, r.status_code, r.text[:200])
    r = api.post(f"/v1/reviews/{rx}/decisions", headers=hy, json={"fingerprint": fp, "decision": "accepted"})
    assert r.status_code == 404
    r = api.post(f"/v1/reports/{quote(office['report_key'], safe='')}/status", headers=hy, json={"status": "approved"})
    assert r.status_code == 404
    r = api.post("/v1/batches", headers=hy, files=[("files", ("b.txt", SAMPLE.read_bytes(), "text/plain"))])
    assert r.status_code == 404
    # what the tenant-wide key sees of 民政局's own submission: attached to 民政局
    board = api.get("/v1/board", headers=office["hall"]).json()
    assert board["units"] and all(u["status"] in ("not_submitted", "in_review", "needs_changes", "approved",
                                                  "overdue") for u in board["units"])


def test_every_new_form_refuses_a_post_without_its_csrf_token(office):
    base, admin = office["svc"].url, office["admin"]
    x = sign_in(base, "bt-x", CLERK_X_PW)
    reviewer = sign_in(base, "bt-rev", REVIEWER_PW + "2")  # reset by the lockout test
    forms = [(admin, "/web/admin/units", {"files": {"file": ("u.csv", b"name\nX\n", "text/csv")}}),
             (admin, "/web/admin/accounts", {"data": {"username": "intruder", "password": "x" * 12, "role": "admin"}}),
             (admin, "/web/admin/accounts/1/password", {"data": {"password": "y" * 12}}),
             (x, "/web/account/password", {"data": {"old": CLERK_X_PW, "new": "z" * 12, "again": "z" * 12}}),
             (reviewer, "/web/board/assign", {"data": {"review_id": office["review_x"], "unit_id": "1"}}),
             (reviewer, "/web/board/approve", {"data": {"review_id": office["review_x"]}}),
             (x, "/web/signout", {"data": {}})]
    for client, path, kwargs in forms:
        for token in (None, "not-the-token"):
            kw = {k: (dict(v, csrf_token=token) if k == "data" and token else v) for k, v in kwargs.items()}
            if token and "files" in kw:
                kw["data"] = {"csrf_token": token}
            r = client.post(path, **kw)
            assert r.status_code == 403 and "安全令牌" in r.text, (path, token, r.status_code)
    with office["engine"].connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM users WHERE username = 'intruder'")).scalar() == 0
    assert x.get("/web/history").status_code == 200  # still signed in: the sign-out was refused too
    sign_in(base, "bt-x", CLERK_X_PW)  # the password did not change


def test_sessions_end_on_the_server(office):
    base, env = office["svc"].url, office["env"]
    # sign-out: a cookie copied before is worthless afterwards
    c = sign_in(base, "bt-y", CLERK_Y_PW)
    copied = httpx.Client(base_url=base, cookies={"reviewer_session": c.cookies["reviewer_session"]},
                          follow_redirects=False, timeout=30)
    assert copied.get("/web/history").status_code == 200
    page = c.get("/web/")
    assert c.post("/web/signout", data={"csrf_token": csrf_of(page.text)}).status_code == 303
    r = copied.get("/web/history")
    assert r.status_code == 303 and "expired=1" in r.headers["location"]
    r = copied.post("/web/reviews", data={"csrf_token": csrf_of(page.text)},
                    files={"file": ("late.txt", SAMPLE.read_bytes(), "text/plain")})
    assert r.status_code == 303 and r.headers["location"].startswith("/web/signin")
    assert copied.get("/web/session.json").status_code == 401
    # a password change ends the account's other sessions (this browser goes on in a new one)
    one, two = sign_in(base, "bt-y", CLERK_Y_PW), sign_in(base, "bt-y", CLERK_Y_PW)
    page = one.get("/web/account")
    r = one.post("/web/account/password", data={"csrf_token": csrf_of(page.text), "old": CLERK_Y_PW,
                                                 "new": CLERK_Y_PW + "!", "again": CLERK_Y_PW + "!"})
    assert r.status_code == 303
    assert two.get("/web/history").status_code == 303
    assert one.get("/web/account?changed=1").status_code == 200
    assert attempt(base, "bt-y", CLERK_Y_PW).status_code == 401
    # revoking an API key ends the web sessions signed in with it
    key = json.loads(reviewer_cli(env, "apikey", "create", "--tenant", TENANT).stdout)
    k = httpx.Client(base_url=base, timeout=30, follow_redirects=False)
    form = k.get("/web/signin")
    assert k.post("/web/signin", data={"csrf_token": csrf_of(form.text), "api_key": key["api_key"],
                                       "next": "/web/"}).status_code == 303
    assert k.get("/web/history").status_code == 200
    assert reviewer_cli(env, "apikey", "revoke", key["api_key"]).returncode == 0
    assert k.get("/web/history").status_code == 303
    # an expired session: 登录已过期, and back to the page after signing in
    from reviewer.store.db import session_scope
    from reviewer.store.models import User, WebSessionRow

    e = sign_in(base, "bt-x", CLERK_X_PW)
    with session_scope(office["engine"]) as s:  # 8 hours later
        x_id = s.query(User.id).filter_by(username="bt-x").scalar()
        s.execute(update(WebSessionRow).where(WebSessionRow.user_id == x_id)
                  .values(expires_at=WebSessionRow.created_at))
    here = f"/web/reviews/{office['review_x']}"
    r = e.get(here)
    assert r.status_code == 303 and r.headers["location"] == f"/web/signin?next={quote(here, safe='')}&expired=1"
    form = e.get(r.headers["location"])
    assert "登录已过期" in form.text
    r = e.post("/web/signin", data={"csrf_token": csrf_of(form.text), "username": "bt-x", "password": CLERK_X_PW,
                                    "next": here})
    assert r.status_code == 303 and r.headers["location"] == here
    assert e.get(here).status_code == 200
    assert e.get("/web/session.json").json()["csrf"]


def test_pages_of_clerks_and_reviewers_show_nothing_technical(office):
    base = office["svc"].url
    for user, pw in (("bt-x", CLERK_X_PW),):
        c = sign_in(base, user, pw)
        for path in ("/web/", "/web/history", f"/web/reviews/{office['review_x']}", "/web/account", "/web/nope"):
            html = c.get(path).text
            assert "callback_url" not in html and 'href="/docs"' not in html and "download-json" not in html, path
            assert "webhook" not in html.lower() and "Not found" not in html, path
    admin_html = office["admin"].get("/web/").text
    assert "callback_url" in admin_html and 'href="/web/admin"' in admin_html
    assert 'href="/docs"' in office["admin"].get("/web/admin").text


def test_units_and_board_api(office):
    api, h = office["api"], office["hall"]
    r = api.post("/v1/units", headers=h, json=[{"name": "包头市财政局", "aliases": ["市财政局"], "kind": "部门",
                                                "parent": "包头市人民政府", "deadline": "2027-01-20"}])
    assert r.status_code == 200 and r.json()["created"] == 1
    got = {u["name"]: u for u in api.get("/v1/units", headers=h, params={"year": 2026}).json()["units"]}
    assert got["包头市财政局"]["deadline"] == "2027-01-20" and got["包头市财政局"]["parent"] == "包头市人民政府"
    assert got["包头市教育局"]["deadline"] == "2027-01-31"
    r = api.post("/v1/units", headers={**h, "Content-Type": "text/csv"},
                 content="name,kind\n包头市审计局,部门\n".encode())
    assert r.status_code == 200 and r.json()["created"] == 1
    r = api.post("/v1/units", headers=h, files={"file": ("u.csv", "name,kind\n某局,公司\n".encode(), "text/csv")})
    assert r.status_code == 422 and r.json()["error"]["code"] == "units.invalid" and "第 1 行" in r.json()["error"]["message_zh"]
    r = api.post("/v1/units", headers=h, json=[{"name": "x", "parent": "没有的上级"}])
    assert r.status_code == 422 and "上级单位不存在" in r.json()["error"]["message_zh"]
    csv = api.get("/v1/units", headers=h, params={"format": "csv"})
    assert csv.status_code == 200 and "包头市审计局" in csv.content.decode("utf-8-sig")
    board = api.get("/v1/board", headers=h, params={"year": 2026, "status": "not_submitted", "sort": "days"}).json()
    assert board["units"] and {u["status"] for u in board["units"]} == {"not_submitted"}
    assert [u["days_to_deadline"] for u in board["units"]] == sorted(u["days_to_deadline"] for u in board["units"])
    assert api.get("/v1/board", headers=h, params={"status": "done"}).status_code == 422
    xlsx = api.get("/v1/board", headers=h, params={"year": 2026, "format": "xlsx"})
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    # a person moves 民政局's review to 教育局 (an explicit assignment wins over the name)
    unit = office["units"]["包头市教育局"]
    r = api.post(f"/v1/reviews/{office['review_y']}/unit", headers=h, json={"unit_id": unit})
    assert r.status_code == 200
    assert api.get(f"/v1/reviews/{office['review_y']}", headers=office["hy"]).status_code == 404  # now 教育局's
    assert api.post("/v1/reviews/nope/unit", headers=h, json={"unit_id": unit}).status_code == 404
    schema = api.get("/openapi.json").json()["paths"]
    assert {"/v1/units", "/v1/board", "/v1/reviews/{review_id}/unit"} <= set(schema)
