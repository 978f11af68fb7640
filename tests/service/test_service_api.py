"""The API and the whole path with real processes: uvicorn, a Celery worker with
2 pool processes and beat, PostgreSQL, Redis DB 13, a loopback webhook receiver."""

from __future__ import annotations

import json
import time

import httpx
import pytest
from sqlalchemy import func, select

from service_support import SHARED_REDIS
from reviewer.store.models import Submission
from reviewer.webhooks import verify
from service_procs import SAMPLE, Receiver, service_env, wait_until

pytestmark = pytest.mark.timeout(180)


@pytest.fixture(scope="module")
def svc(tmp_path_factory):
    from service_support import running_service

    with running_service(tmp_path_factory.mktemp("svc")) as service:
        yield service


def _auth(tenant: dict) -> dict:
    return {"Authorization": f"Bearer {tenant['api_key']}"}


def _count(svc) -> int:
    with svc.engine.connect() as conn:
        return conn.scalar(select(func.count()).select_from(Submission))


def _wait_done(svc, tenant, rid, timeout=60) -> dict:
    def done():
        body = httpx.get(f"{svc.url}/v1/reviews/{rid}", headers=_auth(tenant), timeout=5).json()
        return body if body["status"] in ("done", "error") else None
    return wait_until(done, timeout, interval=0.2, what=f"review {rid}")


def test_health_ready_and_openapi(svc):
    assert httpx.get(svc.url + "/healthz").json() == {"status": "ok"}
    ready = httpx.get(svc.url + "/readyz").json()
    assert ready == {"status": "ok", "store": "ok", "broker": "ok"}
    paths = httpx.get(svc.url + "/openapi.json").json()["paths"]
    assert "/v1/reviews" in paths and "/v1/reviews/{review_id}/findings" in paths
    assert httpx.get(svc.url + "/docs").status_code == 200


def test_auth_required_and_cross_tenant_read_is_404(svc):
    r = httpx.post(svc.url + "/v1/reviews", json={"text": "x"})
    assert r.status_code == 401 and r.json()["error"]["code"] == "auth.missing"
    r = httpx.get(svc.url + "/v1/reviews/abc", headers={"Authorization": "Bearer rvk_wrong"})
    assert r.status_code == 401 and r.json()["error"]["code"] == "auth.invalid"
    rid = httpx.post(svc.url + "/v1/reviews", headers=_auth(svc.a),
                     json={"text": SAMPLE.read_text(), "use_llm": False}).json()["id"]
    for path in ("", "/findings"):
        r = httpx.get(f"{svc.url}/v1/reviews/{rid}{path}", headers=_auth(svc.b))
        assert r.status_code == 404 and r.json()["error"]["code"] == "review.not_found"
    assert httpx.post(f"{svc.url}/v1/reviews/{rid}/redeliver", headers=_auth(svc.b)).status_code == 404
    assert httpx.get(f"{svc.url}/v1/reviews/{rid}", headers=_auth(svc.a)).status_code == 200


@pytest.mark.parametrize("case", ["empty", "whitespace", "binary", "too_large", "pdf", "wrong_type", "bad_zip",
                                  "json_without_text", "form_without_file", "no_content_type"])
def test_bad_uploads_are_clear_4xx_and_nothing_is_stored(svc, case):
    before = _count(svc)
    h = _auth(svc.a)
    url = svc.url + "/v1/reviews"
    if case == "empty":
        r = httpx.post(url, headers=h, files={"file": ("a.txt", b"", "text/plain")})
    elif case == "whitespace":
        r = httpx.post(url, headers=h, json={"text": "  \n\t "})
    elif case == "binary":
        r = httpx.post(url, headers=h, files={"file": ("a.txt", bytes(range(256)) * 40, "text/plain")})
    elif case == "too_large":
        r = httpx.post(url, headers=h, files={"file": ("a.txt", b"a" * (50 * 1024 * 1024), "text/plain")})
    elif case == "pdf":
        r = httpx.post(url, headers=h, files={"file": ("a.pdf", b"%PDF-1.7\n...", "application/octet-stream")})
    elif case == "wrong_type":
        r = httpx.post(url, headers=h, files={"file": ("a.png", b"\x89PNG\r\n", "image/png")})
    elif case == "bad_zip":
        r = httpx.post(url, headers=h, files={"file": ("a.docx", b"PK\x03\x04garbage", "application/octet-stream")})
    elif case == "json_without_text":
        r = httpx.post(url, headers=h, json={"file": "x"})
    elif case == "form_without_file":
        r = httpx.post(url, headers=h, data={"callback_url": "https://example.org/"})
    else:
        r = httpx.post(url, headers=h, content=b"hello")
    assert 400 <= r.status_code < 500, r.text
    err = r.json()["error"]
    assert err["code"] and err["message_zh"] and err["message_en"]
    expected = {"empty": "input.empty", "whitespace": "input.empty", "binary": "input.binary",
                "too_large": "input.too_large", "pdf": "input.corrupt",
                "wrong_type": "input.unsupported_type", "no_content_type": "input.unsupported_type"}
    if case in expected:
        assert err["code"] == expected[case]
    assert r.status_code == {"too_large": 413, "pdf": 422, "wrong_type": 415}.get(case, r.status_code)
    assert _count(svc) == before
    assert svc.redis.llen("reviews") == 0


@pytest.mark.parametrize("host", ["127.0.0.1", "10.0.0.1", "169.254.169.254", "[::1]", "localhost"])
def test_ssrf_callback_refused_at_submit(svc, host):
    """The service allows only its test receiver's address (127.0.0.2/32); everything else internal is refused.
    "localhost" is a host name that resolves to loopback."""
    before = _count(svc)
    r = httpx.post(svc.url + "/v1/reviews", headers=_auth(svc.a),
                   json={"text": SAMPLE.read_text(), "callback_url": f"http://{host}:8080/hook"})
    assert r.status_code == 422 and r.json()["error"]["code"] == "callback.forbidden_address", r.text
    assert "已拒绝" in r.json()["error"]["message_zh"]
    assert _count(svc) == before


def test_idempotency_key(svc):
    h = dict(_auth(svc.a), **{"Idempotency-Key": "draft-2023-v1"})
    body = {"text": SAMPLE.read_text(), "use_llm": False}
    first = httpx.post(svc.url + "/v1/reviews", headers=h, json=body)
    again = httpx.post(svc.url + "/v1/reviews", headers=h, json=body)
    assert first.status_code == 202 and again.status_code == 200
    assert first.json()["id"] == again.json()["id"]
    other = httpx.post(svc.url + "/v1/reviews", headers=h, json=dict(body, text=body["text"] + "补充"))
    assert other.status_code == 409 and other.json()["error"]["code"] == "idempotency.conflict"


def test_end_to_end_webhook_api_and_stream_agree(svc):
    rx = Receiver()
    try:
        files = {"file": (SAMPLE.name, SAMPLE.read_bytes(), "text/plain")}
        r = httpx.post(svc.url + "/v1/reviews", headers=_auth(svc.a), files=files,
                       data={"callback_url": rx.url, "use_llm": "false"})
        assert r.status_code == 202, r.text
        rid = r.json()["id"]
        wait_until(lambda: rx.ok_requests(), 60, what="webhook")
        hook = rx.ok_requests()[0]
        event = verify(hook["body"], hook["headers"], svc.a["webhook_secret"])
        assert hook["headers"]["webhook-id"] == f"msg_{rid}"
        assert event["type"] == "review.completed" and event["data"]["review_id"] == rid

        status = _wait_done(svc, svc.a, rid)
        assert status["status"] == "done" and status["review"] == event["data"]["review"]
        review = status["review"]
        assert review["status"] == "ok" and review["review_id"] == rid
        assert status["counts"]["error"] >= 1 and event["data"]["counts"] == status["counts"]
        assert status["webhook_attempts"][0]["status_code"] == 200

        errors_only = httpx.get(f"{svc.url}/v1/reviews/{rid}/findings?severity=error", headers=_auth(svc.a)).json()
        assert errors_only["findings"] and {f["severity"] for f in errors_only["findings"]} == {"error"}
        assert len(errors_only["findings"]) == status["counts"]["error"]
        bad = httpx.get(f"{svc.url}/v1/reviews/{rid}/findings?severity=fatal", headers=_auth(svc.a))
        assert bad.status_code == 422

        from reviewer.stream import ensure_group

        ensure_group(svc.redis, "reviewer:results", "test-consumers")
        def from_stream():
            for _key, entries in svc.redis.xreadgroup("test-consumers", "c1", {"reviewer:results": ">"},
                                                      count=100, block=500) or []:
                for entry_id, fields in entries:
                    svc.redis.xack("reviewer:results", "test-consumers", entry_id)
                    if fields[b"review_id"].decode() == rid:
                        return fields
            return None
        fields = wait_until(from_stream, 20, what="stream entry")
        assert fields[b"tenant"].decode() == "甲单位" and fields[b"status"] == b"ok"
        assert json.loads(fields[b"counts"]) == status["counts"]
    finally:
        rx.close()


def test_receiver_down_first_then_delivered_and_redelivery(svc):
    rx = Receiver(plan=[503, 500, 503], retry_after="1")
    try:
        r = httpx.post(svc.url + "/v1/reviews", headers=_auth(svc.a),
                       json={"text": SAMPLE.read_text(), "use_llm": False, "callback_url": rx.url})
        rid = r.json()["id"]
        wait_until(lambda: rx.ok_requests(), 60, what="delivery after failures")
        assert [q["answered"] for q in rx.requests] == [503, 500, 503, 200]
        assert len({q["headers"]["webhook-id"] for q in rx.requests}) == 1  # stable across retries
        gaps = [b["at"] - a["at"] for a, b in zip(rx.requests, rx.requests[1:])]
        assert gaps[0] >= 0.9 and gaps[2] >= 0.9  # Retry-After: 1 (sent with the 503s) was honoured
        for q in rx.requests:
            verify(q["body"], q["headers"], svc.a["webhook_secret"], tolerance=300)
        attempts = wait_until(lambda: len(_wait_done(svc, svc.a, rid)["webhook_attempts"]) == 4 and
                              _wait_done(svc, svc.a, rid)["webhook_attempts"], 10, what="attempts recorded")
        assert [a["status_code"] for a in attempts] == [503, 500, 503, 200]

        again = httpx.post(f"{svc.url}/v1/reviews/{rid}/redeliver", headers=_auth(svc.a))
        assert again.status_code == 202 and again.json()["webhook_id"] == f"msg_{rid}"
        wait_until(lambda: len(rx.ok_requests()) == 2, 30, what="redelivery")
        assert rx.ok_requests()[1]["headers"]["webhook-id"] == f"msg_{rid}"
    finally:
        rx.close()


def test_410_disables_the_endpoint(svc):
    rx = Receiver(plan=[410])
    try:
        r = httpx.post(svc.url + "/v1/reviews", headers=_auth(svc.a),
                       json={"text": SAMPLE.read_text(), "use_llm": False, "callback_url": rx.url})
        rid = r.json()["id"]
        wait_until(lambda: rx.requests, 60, what="first attempt")
        time.sleep(2.0)  # several sweep intervals: a disabled endpoint gets no retries
        assert [q["answered"] for q in rx.requests] == [410]
        attempts = _wait_done(svc, svc.a, rid)["webhook_attempts"]
        assert [a["status_code"] for a in attempts] == [410]
    finally:
        rx.close()


def test_submit_command_waits_for_the_review(svc, tmp_path):
    import subprocess
    import sys

    from service_procs import _RUN_CMD

    env = dict(svc.env, REVIEWER_API_URL=svc.url, REVIEWER_API_KEY=svc.a["api_key"])
    out = subprocess.run([sys.executable, "-c", _RUN_CMD, "submit", str(SAMPLE), "--wait", "--no-llm"],
                         env=env, capture_output=True, text=True, timeout=90)
    assert out.returncode == 1, out.stderr  # like `reviewer review`: 1 = error-level findings
    # the same Chinese summary as `reviewer review`, without internal block ids
    assert "错误 8 · 警告 0 · 提示 0（另有4条由根因导致的勾稽关系不成立，已并入根因）" in out.stdout and "【三、收到和处理政府信息公开申请情况】" in out.stdout
    assert "（b" not in out.stdout
    out = subprocess.run([sys.executable, "-c", _RUN_CMD, "submit", str(SAMPLE), "--wait", "--no-llm",
                          "--format", "json"], env=env, capture_output=True, text=True, timeout=90)
    assert out.returncode == 1, out.stderr
    body = json.loads(out.stdout)
    assert body["status"] == "done" and body["counts"]["error"] >= 1
    bad = subprocess.run([sys.executable, "-c", _RUN_CMD, "submit", str(tmp_path / "missing.txt")],
                         env=env, capture_output=True, text=True, timeout=30)
    assert bad.returncode == 2 and "找不到文件" in bad.stderr


def test_apikey_command_prints_key_and_secret_once(tmp_path):
    import subprocess
    import sys

    from service_procs import _RUN_CMD

    env = service_env(f"sqlite:///{tmp_path}/k.sqlite3", SHARED_REDIS)
    out = subprocess.run([sys.executable, "-c", _RUN_CMD, "apikey", "create", "--tenant", "丁单位"],
                         env=env, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    body = json.loads(out.stdout)
    assert set(body) == {"tenant", "api_key", "webhook_secret"} and body["tenant"] == "丁单位"
    stored = b"".join(f.read_bytes() for f in tmp_path.glob("k.sqlite3*"))  # main file and WAL
    assert body["api_key"].encode() not in stored  # only a hash and a short prefix are kept
    assert body["webhook_secret"].encode() in stored  # needed in clear to sign


def test_pdf_and_doc_drafts_through_the_service_and_the_annotated_pdf(svc):
    """Issue 9: a PDF and a .doc are accepted, reviewed by the worker, and a PDF comes back annotated."""
    import io
    import sys
    from pathlib import Path

    from pypdf import PdfReader

    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from lohelpers import SOFFICE, convert_all
    from reportgen import to_docx
    from test_same_findings_across_formats import planted

    if SOFFICE is None:
        pytest.skip("LibreOffice not installed")
    docx_bytes = to_docx(planted(1))
    pdf = convert_all({"d.docx": docx_bytes}, "pdf")["d.docx"]
    doc = convert_all({"d.docx": docx_bytes}, "doc")["d.docx"]
    ids = {}
    for name, data, ctype in (("草稿.pdf", pdf, "application/pdf"), ("草稿.doc", doc, "application/msword")):
        r = httpx.post(svc.url + "/v1/reviews", headers=_auth(svc.a), files={"file": (name, data, ctype)},
                       data={"use_llm": "false"}, timeout=30)
        assert r.status_code == 202, r.text
        ids[name] = r.json()["id"]
    done = {name: _wait_done(svc, svc.a, rid, timeout=120) for name, rid in ids.items()}
    for name, body in done.items():
        assert body["status"] == "done" and body["review"]["status"] == "ok", (name, body["review"].get("error"))
        assert body["review"]["report"]["cells"]["table3/new/commercial"] is not None
    rules = {n: sorted(f["rule_id"] for f in b["review"]["findings"]) for n, b in done.items()}
    assert rules["草稿.pdf"] == rules["草稿.doc"] and rules["草稿.pdf"]
    ann = httpx.get(f"{svc.url}/v1/reviews/{ids['草稿.pdf']}/annotated", params={"format": "pdf"},
                    headers=_auth(svc.a), timeout=60)
    assert ann.status_code == 200 and ann.headers["content-type"] == "application/pdf"
    highlights = [a.get_object() for p in PdfReader(io.BytesIO(ann.content)).pages for a in (p.get("/Annots") or [])
                  if a.get_object()["/Subtype"] == "/Highlight"]
    findings = done["草稿.pdf"]["review"]["findings"]
    finding_ids = {f["id"] for f in findings}
    assert len(highlights) == len([f for f in findings if f.get("derived_from") not in finding_ids])  # one per card
    refused = httpx.get(f"{svc.url}/v1/reviews/{ids['草稿.doc']}/annotated", params={"format": "pdf"},
                        headers=_auth(svc.a), timeout=60)
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "annotated.unavailable"
