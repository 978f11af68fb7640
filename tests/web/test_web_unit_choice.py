"""Issue 16, the two gaps after the merge, over HTTP against the real API, worker, Redis and PostgreSQL:
a submission names its unit (API ``unit`` field, multipart and JSON; the staff's unit selector on the
web form), which wins over the agency name read from the draft, while a unit's key or 填报单位 only
ever submits for its own unit; and the admin page edits one unit's deadline for a year (CSRF, audited)."""

from __future__ import annotations

import time

import httpx
import pytest
from sqlalchemy import text

from conftest import SAMPLE, reviewer_cli
from webclient import csrf_of

TENANT = "乌海市政务公开办（单位选择）"
# SAMPLE is 乌海市工业和信息化局's report: without a unit named it joins that unit by its name
UNITS = ("name,aliases,kind,parent,deadline\n乌海市人民政府,,政府,,\n"
         "乌海市工业和信息化局,乌海市工信局,部门,乌海市人民政府,\n乌海市教育局,,部门,乌海市人民政府,\n")
ADMIN_PW, CLERK_PW, REVIEWER_PW = "Uc-admin-pass-1", "Uc-clerk-pass-1", "Uc-review-pass-1"


def sign_in(base: str, username: str, password: str, next_url: str = "/web/") -> httpx.Client:
    c = httpx.Client(base_url=base, timeout=30, follow_redirects=False)
    form = c.get("/web/signin")
    r = c.post("/web/signin", data={"csrf_token": csrf_of(form.text), "username": username, "password": password,
                                    "next": next_url})
    assert r.status_code == 303, r.text[-600:]
    return c


@pytest.fixture(scope="module")
def office(pg_web_stack):
    import json

    svc, env, engine = pg_web_stack
    out = reviewer_cli(env, "admin", "create", "--tenant", TENANT, "--username", "uc-admin", "--password", ADMIN_PW)
    assert out.returncode == 0, out.stderr
    admin = sign_in(svc.url, "uc-admin", ADMIN_PW, "/web/admin")
    r = admin.post("/web/admin/units", data={"csrf_token": csrf_of(admin.get("/web/admin").text)},
                   files={"file": ("units.csv", UNITS.encode("utf-8"), "text/csv")})
    assert r.status_code == 303, r.text[-500:]
    with engine.connect() as conn:
        ids = dict(conn.execute(text("SELECT name, id FROM units WHERE tenant_id = "
                                     "(SELECT id FROM tenants WHERE name = :t)"), {"t": TENANT}).all())
    for name, pw, role, unit in (("uc-clerk", CLERK_PW, "clerk", "乌海市教育局"), ("uc-rev", REVIEWER_PW, "reviewer", None)):
        page = admin.get("/web/admin")
        r = admin.post("/web/admin/accounts", data={"csrf_token": csrf_of(page.text), "username": name, "password": pw,
                                                    "role": role, "unit_id": str(ids[unit]) if unit else ""})
        assert r.status_code == 303, r.text[-500:]
    key_all = json.loads(reviewer_cli(env, "apikey", "create", "--tenant", TENANT).stdout)["api_key"]
    key_edu = json.loads(reviewer_cli(env, "apikey", "create", "--tenant", TENANT, "--unit", "乌海市教育局").stdout)
    return {"svc": svc, "engine": engine, "admin": admin, "units": ids, "api": httpx.Client(base_url=svc.url, timeout=30),
            "hall": {"Authorization": f"Bearer {key_all}"}, "hedu": {"Authorization": f"Bearer {key_edu['api_key']}"}}


def _unit_when_done(office, review_id: str) -> int | None:
    """The unit the submission belongs to once the worker has finished (and matched names, if it would)."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        r = office["api"].get(f"/v1/reviews/{review_id}", headers=office["hall"])
        if r.status_code == 200 and r.json()["status"] in ("done", "error"):
            with office["engine"].connect() as conn:
                return conn.execute(text("SELECT unit_id FROM submissions WHERE id = :i"), {"i": review_id}).scalar()
        time.sleep(0.3)
    raise AssertionError(f"review {review_id} did not finish")


def _refused(r: httpx.Response, needle: str) -> None:
    assert r.status_code == 422, r.text
    err = r.json()["error"]
    assert err["code"] == "unit.invalid" and needle in err["message_zh"] and err["message_en"]


def test_the_named_unit_wins_over_the_agency_name(office):
    api, hall, ids = office["api"], office["hall"], office["units"]
    text_ = SAMPLE.read_text("utf-8")
    plain = api.post("/v1/reviews", headers=hall, json={"text": text_, "filename": "工信局.txt"})
    assert plain.status_code == 202, plain.text
    assert _unit_when_done(office, plain.json()["id"]) == ids["乌海市工业和信息化局"]  # matched by its name
    by_name = api.post("/v1/reviews", headers=hall, json={"text": text_ + "\n", "unit": "乌海市教育局"})
    by_id = api.post("/v1/reviews", headers=hall, data={"unit": str(ids["乌海市人民政府"])},
                     files={"file": ("草稿.txt", (text_ + "\n\n").encode("utf-8"), "text/plain")})
    by_json_id = api.post("/v1/reviews", headers=hall, json={"text": text_ + "\n\n\n", "unit": ids["乌海市教育局"]})
    assert by_name.status_code == by_id.status_code == by_json_id.status_code == 202, (by_name.text, by_id.text)
    assert _unit_when_done(office, by_name.json()["id"]) == ids["乌海市教育局"]
    assert _unit_when_done(office, by_id.json()["id"]) == ids["乌海市人民政府"]
    assert _unit_when_done(office, by_json_id.json()["id"]) == ids["乌海市教育局"]
    _refused(api.post("/v1/reviews", headers=hall, json={"text": text_, "unit": "乌海市不存在局"}), "未找到单位")
    _refused(api.post("/v1/reviews", headers=hall, data={"unit": "999999"},
                      files={"file": ("a.txt", text_.encode("utf-8"), "text/plain")}), "未找到单位")
    r = api.post("/v1/reviews", headers=hall, json={"text": text_, "unit": ["乌海市教育局"]})
    assert r.status_code == 422 and r.json()["error"]["code"] == "request.invalid"
    schema = api.get("/openapi.json").json()["paths"]["/v1/reviews"]["post"]["requestBody"]["content"]
    assert {"unit"} <= set(schema["multipart/form-data"]["schema"]["properties"]) \
        and {"unit"} <= set(schema["application/json"]["schema"]["properties"])


def test_a_unit_key_submits_for_its_own_unit_only(office):
    api, hedu, ids = office["api"], office["hedu"], office["units"]
    text_ = SAMPLE.read_text("utf-8")  # 工信局's wording: the key's unit still owns it
    own = api.post("/v1/reviews", headers=hedu, json={"text": text_ + " ", "unit": "乌海市教育局"})
    assert own.status_code == 202, own.text
    assert _unit_when_done(office, own.json()["id"]) == ids["乌海市教育局"]
    unnamed = api.post("/v1/reviews", headers=hedu, json={"text": text_ + "  "})
    assert _unit_when_done(office, unnamed.json()["id"]) == ids["乌海市教育局"]
    other = api.post("/v1/reviews", headers=hedu, json={"text": text_, "unit": "乌海市工业和信息化局"})
    unknown = api.post("/v1/reviews", headers=hedu, json={"text": text_, "unit": "乌海市不存在局"})
    _refused(other, "只能为本单位提交")
    _refused(unknown, "只能为本单位提交")  # the same answer: no way to learn which units exist
    assert other.json() == unknown.json()


def test_staff_choose_the_unit_on_the_web_form_and_a_clerk_cannot(office):
    base, ids = office["svc"].url, office["units"]
    rev = sign_in(base, "uc-rev", REVIEWER_PW)
    form = rev.get("/web/")
    assert 'name="unit"' in form.text and "乌海市教育局" in form.text and "按报告中的机关名称自动归属" in form.text
    r = rev.post("/web/reviews", data={"csrf_token": csrf_of(form.text), "unit": str(ids["乌海市人民政府"])},
                 files={"file": ("市政府.txt", SAMPLE.read_bytes() + b"\n\n\n\n", "text/plain")})
    assert r.status_code == 303, r.text[-500:]
    assert _unit_when_done(office, r.headers["location"].rsplit("/", 1)[1]) == ids["乌海市人民政府"]
    r = rev.post("/web/reviews", data={"csrf_token": csrf_of(form.text), "unit": "123456789"},
                 files={"file": ("x.txt", SAMPLE.read_bytes(), "text/plain")})
    assert r.status_code == 422 and "未找到单位" in r.text and 'name="unit"' in r.text

    clerk = sign_in(base, "uc-clerk", CLERK_PW)
    form = clerk.get("/web/")
    assert form.status_code == 200 and 'name="unit"' not in form.text
    r = clerk.post("/web/reviews", data={"csrf_token": csrf_of(form.text), "unit": str(ids["乌海市工业和信息化局"])},
                   files={"file": ("x.txt", SAMPLE.read_bytes(), "text/plain")})
    assert r.status_code == 422 and "只能为本单位提交" in r.text


def test_the_admin_edits_one_units_deadline_for_a_year(office):
    admin, api, hall, ids = office["admin"], office["api"], office["hall"], office["units"]
    edu = ids["乌海市教育局"]
    page = admin.get("/web/admin")
    assert 'id="deadline-form"' in page.text
    no_csrf = admin.post("/web/admin/units/deadline", data={"unit_id": str(edu), "year": "2030", "deadline": "2031-02-15"})
    assert no_csrf.status_code == 403
    r = admin.post("/web/admin/units/deadline", data={"csrf_token": csrf_of(page.text), "unit_id": str(edu),
                                                      "year": "2030", "deadline": "2031-02-15"})
    assert r.status_code == 303 and r.headers["location"] == "/web/admin?done=deadline&year=2030", r.text[-500:]
    shown = admin.get(r.headers["location"]).text
    assert "截止日期已修改" in shown and "2031-02-15" in shown and "修改截止日期" in shown  # the audit log
    units = {u["name"]: u["deadline"] for u in api.get("/v1/units?year=2030", headers=hall).json()["units"]}
    assert units["乌海市教育局"] == "2031-02-15" and units["乌海市人民政府"] == "2031-01-31"  # the others keep the default
    with office["engine"].connect() as conn:
        detail = conn.execute(text("SELECT detail FROM audit_events WHERE action = 'unit.deadline' AND target = :t"),
                              {"t": "乌海市教育局"}).scalar()
    detail = detail if isinstance(detail, dict) else __import__("json").loads(detail)
    assert detail["previous"] == "2031-01-31" and detail["deadline"] == "2031-02-15" and detail["year"] == 2030
    for bad, needle in (({"deadline": "2031-13-01"}, "2025-01-31"), ({"year": "1999"}, "2000"),
                        ({"deadline": "2029-01-31"}, "2031"), ({"unit_id": "99999999"}, "请选择单位")):
        data = {"csrf_token": csrf_of(page.text), "unit_id": str(edu), "year": "2030", "deadline": "2031-02-20", **bad}
        r = admin.post("/web/admin/units/deadline", data=data)
        assert r.status_code == 422 and "截止日期未修改" in r.text and needle in r.text, (bad, r.text[-300:])
    units = {u["name"]: u["deadline"] for u in api.get("/v1/units?year=2030", headers=hall).json()["units"]}
    assert units["乌海市教育局"] == "2031-02-15"
