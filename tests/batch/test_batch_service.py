"""Batches through the real service: API (uvicorn) + Celery worker processes + Redis + a database.

200 generated reports (100 agencies × two years, planted carry-over breaks and copied
narratives) go in as one zip; the batch must finish with exactly the planted
continuity/duplicate findings, a correct XLSX, and one signed webhook.
"""

from __future__ import annotations

import io
import sys
import time
import zipfile
from pathlib import Path

import httpx
import openpyxl
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "service"))
from service_procs import Receiver, RedisServer, Service, service_env, wait_until  # noqa: E402

from batchgen import make_batch, zip_files  # noqa: E402



@pytest.fixture
def stack(tmp_path):
    """Private redis-server, migrated SQLite store, a tenant; the service is started by the test."""
    from reviewer.store.db import make_engine, migrate, session_scope
    from reviewer.store.tenants import create_api_key

    redis = RedisServer(tmp_path)
    db_url = f"sqlite:///{tmp_path}/reviewer.sqlite3"
    engine = make_engine(db_url)
    migrate(engine)
    with session_scope(engine) as s:
        tenant = create_api_key(s, "乌海市政务公开办")
    env = service_env(db_url, redis.url, REVIEWER_LLM_BASE_URL="", REVIEWER_LLM_API_KEY="")
    started: list[Service] = []

    def start(concurrency: int = 2) -> Service:
        svc = Service(env, tmp_path, concurrency=concurrency)
        started.append(svc)
        return svc

    yield start, tenant
    for svc in started:
        svc.stop()
    redis.stop()
    engine.dispose()


def _auth(tenant) -> dict:
    return {"Authorization": f"Bearer {tenant['api_key']}"}


def _wait_done(svc, tenant, batch_id: str, timeout: float) -> dict:
    seen: list[dict] = []

    def done():
        r = httpx.get(f"{svc.url}/v1/batches/{batch_id}", headers=_auth(tenant), params={"items": "false"}, timeout=10)
        assert r.status_code == 200, r.text
        seen.append(r.json())
        return r.json() if r.json()["status"] == "done" else None

    final = wait_until(done, timeout, interval=1.0, what=f"batch {batch_id} done\n{svc.worker.text()[-3000:]}")
    return {"final": final, "seen": seen}


def test_batch_of_200_through_the_service(stack):
    from reviewer.webhooks.signing import verify

    start, tenant = stack
    batch = make_batch(100, carry_breaks={3, 17, 42, 88}, copies={(10, 60), (25, 71)}, seed=5)
    assert len(batch.files) == 200
    receiver = Receiver()
    svc = start(concurrency=2)
    try:
        r = httpx.post(f"{svc.url}/v1/batches", headers=_auth(tenant), timeout=60,
                       files={"file": ("reports.zip", zip_files(batch.files), "application/zip")},
                       data={"callback_url": receiver.url, "deadline": "2099-01-31", "use_llm": "false"})
        assert r.status_code == 202, r.text
        created = r.json()
        assert created["total"] == 200 and created["status"] == "running"
        progress = _wait_done(svc, tenant, created["id"], timeout=600)
        final = progress["final"]
        assert final["counts"] == {"queued": 0, "running": 0, "done": 200, "failed": 0, "skipped": 0}
        midway = [p for p in progress["seen"] if p["status"] == "running" and p["counts"]["done"]]
        assert all(p["eta_seconds"] is not None and p["eta_seconds"] >= 0 for p in midway)
        assert final["crosscheck"]["by_rule"] == {"continuity.carry_over": final["crosscheck"]["by_rule"]
                                                  ["continuity.carry_over"], "duplicate.narrative": 4}

        x = httpx.get(f"{svc.url}/v1/batches/{created['id']}/summary", params={"format": "xlsx"},
                      headers=_auth(tenant), timeout=60)
        assert x.status_code == 200
        wb = openpyxl.load_workbook(io.BytesIO(x.content))
        reports = list(wb["报告汇总"].iter_rows(values_only=True))
        assert len(reports) == 201 and {r[1] for r in reports[1:]} == set(batch.files)
        head, *rows = list(wb["审核意见"].iter_rows(values_only=True))
        col = {name: i for i, name in enumerate(head)}
        carry = {r[col["文件"]] for r in rows if r[col["规则"]] == "continuity.carry_over"}
        assert carry == batch.carry_breaks
        dup = {r[col["文件"]] for r in rows if r[col["规则"]] == "duplicate.narrative"}
        assert dup == {f for pair in batch.copied for f in pair}
        assert not [r for r in rows if r[col["规则"]] in ("continuity.in_force", "duplicate.submission")]

        # the batch webhook: once, signed with the tenant's secret
        wait_until(lambda: receiver.ok_requests(), 30, what="batch webhook")
        time.sleep(2)  # a second delivery would have arrived by now
        hooks = [q for q in receiver.requests if b"batch.completed" in q["body"]]
        assert len(hooks) == 1
        event = verify(hooks[0]["body"], hooks[0]["headers"], tenant["webhook_secret"])
        assert event["data"]["batch_id"] == created["id"] and event["data"]["counts"]["done"] == 200

        # each report is an ordinary review, with its cross-report findings, and can be annotated
        item = next(i for i in final_items(svc, tenant, created["id"]) if i["filename"] in batch.carry_breaks)
        rv = httpx.get(f"{svc.url}/v1/reviews/{item['review_id']}", headers=_auth(tenant), timeout=10).json()
        assert any(f["rule_id"] == "continuity.carry_over" for f in rv["review"]["findings"])
        ann = httpx.get(f"{svc.url}/v1/reviews/{item['review_id']}/annotated", params={"format": "docx"},
                        headers=_auth(tenant), timeout=30)
        assert ann.status_code == 200
        import docx

        comments = list(docx.Document(io.BytesIO(ann.content)).comments)
        assert any("上年结转" in c.text for c in comments)
    finally:
        receiver.close()


def final_items(svc, tenant, batch_id: str) -> list[dict]:
    return httpx.get(f"{svc.url}/v1/batches/{batch_id}", headers=_auth(tenant), timeout=10).json()["items"]


def test_earlier_deadline_runs_first(stack):
    start, tenant = stack
    late = make_batch(12, seed=7, formats=("txt",))
    urgent = make_batch(3, seed=8, formats=("txt",))
    svc = start(concurrency=1)
    post = lambda b, deadline: httpx.post(  # noqa: E731
        f"{svc.url}/v1/batches", headers=_auth(tenant), timeout=60, data={"deadline": deadline, "use_llm": "false"},
        files=[("files", (name, data, "text/plain")) for name, data in b.files.items()]).json()
    a = post(late, "2099-12-31")
    b = post(urgent, (time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(time.time() + 1800)) + "Z"))
    assert b["priority"] < a["priority"]
    _wait_done(svc, tenant, b["id"], 300)
    _wait_done(svc, tenant, a["id"], 300)
    from reviewer.store.db import make_engine, session_scope
    from reviewer.store.models import Submission

    engine = make_engine(svc.env["REVIEWER_DATABASE_URL"])
    with session_scope(engine) as s:
        finished = {i["review_id"]: s.get(Submission, i["review_id"]).finished_at
                    for bid in (a["id"], b["id"]) for i in final_items(svc, tenant, bid)}
    engine.dispose()
    a_times = sorted(finished[i["review_id"]] for i in final_items(svc, tenant, a["id"]))
    b_last = max(finished[i["review_id"]] for i in final_items(svc, tenant, b["id"]))
    # the urgent batch, submitted after the other, overtakes most of it
    assert sum(t < b_last for t in a_times) <= len(a_times) // 2, (a_times, b_last)


def test_batch_refuses_bad_requests(stack):
    start, tenant = stack
    svc = start(concurrency=1)
    r = httpx.post(f"{svc.url}/v1/batches", headers=_auth(tenant), json={"text": "x"}, timeout=10)
    assert r.status_code == 415 and r.json()["error"]["code"] == "input.unsupported_type"
    r = httpx.post(f"{svc.url}/v1/batches", headers=_auth(tenant), timeout=10,
                   files={"file": ("a.zip", b"PK\x03\x04broken", "application/zip")})
    assert r.status_code == 422 and "压缩包" in r.json()["error"]["message_zh"]
    r = httpx.post(f"{svc.url}/v1/batches", headers=_auth(tenant), timeout=10, data={"deadline": "next week"},
                   files={"files": ("a.txt", "某局2023年政府信息公开工作年度报告".encode(), "text/plain")})
    assert r.status_code == 422 and r.json()["error"]["code"] == "request.invalid_deadline"
    r = httpx.get(f"{svc.url}/v1/batches/nope", headers=_auth(tenant), timeout=10)
    assert r.status_code == 404
    # a zip whose only entries are unsafe or empty: the batch completes at once, every item failed
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("../evil.txt", "一、总体情况")
        z.writestr("empty.txt", "")
    r = httpx.post(f"{svc.url}/v1/batches", headers=_auth(tenant), timeout=10,
                   files={"file": ("x.zip", buf.getvalue(), "application/zip")})
    assert r.status_code == 202, r.text
    final = _wait_done(svc, tenant, r.json()["id"], 60)["final"]
    items = final_items(svc, tenant, r.json()["id"])
    assert final["counts"]["failed"] == 2 and {i["error"]["code"] for i in items} == {"input.malicious", "input.empty"}
