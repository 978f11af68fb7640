"""Issue 11 items 5, 9, 10 against the real API process (uvicorn, PostgreSQL, a private Redis, a
Celery worker): NUL bytes and lone surrogates, calendar-edge deadlines, every error in the JSON
shape, 405 with Allow, the documented error responses, key revocation, per-tenant rate limit."""

from __future__ import annotations

import json
import subprocess
import sys

import httpx
import pytest

from hostile_drafts import SAMPLE
from reviewer.store.db import make_engine, migrate
from service_procs import RedisServer, Service, service_env, wait_until
from service_support import make_tenant, pg_database

pytestmark = pytest.mark.timeout(240)
ADMIN = "admin-key-for-tests"


@pytest.fixture(scope="module")
def svc(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("hostile-api")
    redis_server = RedisServer(tmp)
    with pg_database() as db_url:
        engine = make_engine(db_url)
        migrate(engine)
        env = service_env(db_url, redis_server.url, REVIEWER_ADMIN_API_KEY=ADMIN,
                          REVIEWER_SUBMIT_RATE_PER_MINUTE="6", REVIEWER_SUBMIT_BURST="3")
        service = Service(env, tmp, concurrency=1, beat=False)
        service.env, service.db_url, service.engine = env, db_url, engine
        service.a = make_tenant(engine, "甲单位")
        try:
            yield service
        finally:
            service.stop()
            engine.dispose()
            redis_server.stop()


def _auth(tenant: dict) -> dict:
    return {"Authorization": f"Bearer {tenant['api_key']}"}


def _error_shape(r: httpx.Response) -> dict:
    assert r.headers["content-type"].startswith("application/json"), (r.status_code, r.text)
    err = r.json()["error"]
    assert set(err) >= {"code", "message", "message_zh", "message_en"}
    return err


@pytest.mark.parametrize("path", ["/v1/reviews/abc%00", "/v1/reviews/abc%00/findings", "/v1/reviews/%00/annotated",
                                  "/v1/batches/abc%00", "/v1/batches/x%00/summary", "/v1/reviews/%01%7f"])
def test_nul_in_path_ids_is_a_json_404(svc, path):
    r = httpx.get(svc.url + path, headers=_auth(svc.a), timeout=10)
    assert r.status_code == 404
    _error_shape(r)


def test_nul_in_query_is_a_json_422(svc):
    r = httpx.get(svc.url + "/v1/reviews/0123/findings?severity=%00", headers=_auth(svc.a), timeout=10)
    assert r.status_code == 422
    _error_shape(r)


def test_nul_in_filename_and_callback(svc, tmp_path):
    fresh = make_tenant(svc.engine, "文件名单位")  # a tenant of its own: the rate limit of 甲 stays for its test
    r = httpx.post(svc.url + "/v1/reviews", headers=_auth(fresh), timeout=30,
                   json={"text": SAMPLE, "filename": "a\x00b\ud7ff.txt"})
    assert r.status_code == 202, r.text
    assert r.json()["filename"] == "ab\ud7ff.txt"
    r = httpx.post(svc.url + "/v1/reviews", headers=_auth(fresh), timeout=30,
                   files={"file": ("x\x00.txt", SAMPLE.encode(), "text/plain")})
    assert r.status_code == 202, r.text
    r = httpx.post(svc.url + "/v1/reviews", headers=_auth(fresh), timeout=30,
                   json={"text": SAMPLE, "callback_url": "http://example.com/\x00hook"})
    assert r.status_code == 422 and _error_shape(r)["code"] == "callback.invalid"


def test_lone_surrogate_in_json_text(svc):
    fresh = make_tenant(svc.engine, "代理项单位")
    body = '{"text": "2023\\u5e74\\ud800", "filename": "s.txt"}'  # \ud800: a lone surrogate, valid JSON
    r = httpx.post(svc.url + "/v1/reviews", headers={**_auth(fresh), "content-type": "application/json"},
                   content=body.encode(), timeout=30)
    assert r.status_code == 422
    assert _error_shape(r)["code"] == "input.encoding"


@pytest.mark.parametrize("deadline", ["9999-12-31", "0001-01-01T00:00:00+14:00", "0001-01-01", "9999-12-31T23:59:59-12:00",
                                      "2025-02-30", "\x00"])
def test_batch_deadlines_at_the_calendar_edges(svc, deadline):
    fresh = make_tenant(svc.engine, f"批次单位{abs(hash(deadline)) % 10**6}")
    r = httpx.post(svc.url + "/v1/batches", headers=_auth(fresh), timeout=30,
                   files={"files": ("a.txt", SAMPLE.encode(), "text/plain")}, data={"deadline": deadline})
    assert r.status_code == 422, r.text
    assert _error_shape(r)["code"] == "request.invalid_deadline"


def test_405_carries_allow_and_the_json_shape(svc):
    r = httpx.delete(svc.url + "/v1/reviews", headers=_auth(svc.a), timeout=10)
    assert r.status_code == 405
    assert "POST" in r.headers["allow"]
    _error_shape(r)


def test_openapi_declares_the_error_responses(svc):
    doc = httpx.get(svc.url + "/openapi.json", timeout=10).json()
    assert "Error" in doc["components"]["schemas"]
    submit = doc["paths"]["/v1/reviews"]["post"]["responses"]
    for status in ("401", "404", "409", "413", "415", "422", "429", "503"):
        assert submit[status]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Error"}
    assert "Retry-After" in submit["429"]["headers"] and "Retry-After" in submit["503"]["headers"]
    get = doc["paths"]["/v1/reviews/{review_id}"]["get"]["responses"]
    assert {"401", "404", "422", "503"} <= set(get)


def _cli(svc, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "reviewer.cli", "apikey", *args], env=svc.env,
                          capture_output=True, text=True, timeout=60)


def test_apikey_cli_list_and_revoke_refused_at_once(svc):
    t = make_tenant(svc.engine, "吊销单位")
    assert httpx.get(svc.url + "/v1/reviews/" + "0" * 32, headers=_auth(t), timeout=10).status_code == 404
    listed = json.loads(_cli(svc, "list", "--tenant", "吊销单位").stdout)["keys"]
    assert len(listed) == 1 and listed[0]["revoked_at"] is None and t["api_key"].startswith(listed[0]["prefix"])
    assert "api_key" not in listed[0]
    done = _cli(svc, "revoke", listed[0]["prefix"])
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["revoked_at"]
    r = httpx.get(svc.url + "/v1/reviews/" + "0" * 32, headers=_auth(t), timeout=10)  # the very next request
    assert r.status_code == 401 and _error_shape(r)["code"] == "auth.invalid"
    missing = _cli(svc, "revoke", "rvk_nosuch")
    assert missing.returncode == 2 and "找不到" in missing.stderr


def test_admin_api_creates_lists_and_revokes(svc):
    admin = {"Authorization": f"Bearer {ADMIN}"}
    assert httpx.get(svc.url + "/v1/admin/keys", timeout=10).status_code == 401
    assert httpx.get(svc.url + "/v1/admin/keys", headers=_auth(svc.a), timeout=10).status_code == 401
    made = httpx.post(svc.url + "/v1/admin/keys", headers=admin, json={"tenant": "管理单位"}, timeout=10)
    assert made.status_code == 201, made.text
    key = made.json()["api_key"]
    keys = httpx.get(svc.url + "/v1/admin/keys", headers=admin, params={"tenant": "管理单位"}, timeout=10).json()["keys"]
    assert len(keys) == 1
    user = {"Authorization": f"Bearer {key}"}
    assert httpx.get(svc.url + "/v1/reviews/" + "0" * 32, headers=user, timeout=10).status_code == 404
    r = httpx.post(f"{svc.url}/v1/admin/keys/{keys[0]['id']}/revoke", headers=admin, timeout=10)
    assert r.status_code == 200 and r.json()["revoked_at"]
    assert httpx.get(svc.url + "/v1/reviews/" + "0" * 32, headers=user, timeout=10).status_code == 401
    assert httpx.post(f"{svc.url}/v1/admin/keys/999999/revoke", headers=admin, timeout=10).status_code == 404


def test_submission_rate_limit_per_tenant(svc):
    """Burst 3, then 6 a minute: the 4th submission at once gets 429 + Retry-After; another tenant is unaffected."""
    a, b = make_tenant(svc.engine, "限流甲"), make_tenant(svc.engine, "限流乙")
    codes = [httpx.post(svc.url + "/v1/reviews", headers=_auth(a), json={"text": SAMPLE}, timeout=30)
             for _ in range(4)]
    assert [r.status_code for r in codes[:3]] == [202, 202, 202]
    limited = codes[3]
    assert limited.status_code == 429
    assert _error_shape(limited)["code"] == "rate.limited"
    assert 1 <= int(limited.headers["retry-after"]) <= 10
    assert httpx.post(svc.url + "/v1/reviews", headers=_auth(b), json={"text": SAMPLE}, timeout=30).status_code == 202
    # the accepted ones finish
    for r in codes[:3]:
        rid = r.json()["id"]
        wait_until(lambda rid=rid: httpx.get(f"{svc.url}/v1/reviews/{rid}", headers=_auth(a), timeout=5)
                   .json()["status"] == "done", 60, what="accepted review")
