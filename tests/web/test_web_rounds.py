"""The round pages' guards over HTTP (issue 15): decisions and status need the CSRF token, another unit's
review, report and page images are 404, a dismissal without a reason is refused in Chinese."""

from __future__ import annotations

import httpx
import pytest

from conftest import SAMPLE
from service_procs import wait_until
from webclient import csrf_of, signed_in


@pytest.fixture(scope="module")
def unit(web_stack):
    """A unit of its own with one finished review of the sample."""
    from reviewer.store.db import session_scope
    from reviewer.store.tenants import create_api_key

    svc, _a, b, engine = web_stack
    with session_scope(engine) as s:
        own = create_api_key(s, "回合测试单位")
    auth = {"Authorization": f"Bearer {own['api_key']}"}
    r = httpx.post(f"{svc.url}/v1/reviews", headers=auth, timeout=30, data={"use_llm": "false"},
                   files={"file": ("wuhai.txt", SAMPLE.read_bytes(), "text/plain")})
    rid = r.json()["id"]
    body = wait_until(lambda: (lambda b: b if b["status"] == "done" else None)(
        httpx.get(f"{svc.url}/v1/reviews/{rid}", headers=auth).json()), 90, interval=0.5, what="the review")
    return svc, own, b, body


def test_decisions_need_csrf_and_a_reason(unit):
    svc, own, _b, body = unit
    fp = body["review"]["findings"][0]["fingerprint"]
    c = signed_in(svc.url, own["api_key"])
    page = c.get(f"/web/reviews/{body['id']}")
    assert page.status_code == 200 and "不采纳（填写理由）" in page.text and "采纳" in page.text
    token = csrf_of(page.text)
    url = f"/web/reviews/{body['id']}/decisions"
    assert c.post(url, data={"fingerprint": fp, "decision": "accepted"}).status_code == 403
    refused = c.post(url, data={"csrf_token": token, "fingerprint": fp, "decision": "dismissed", "reason": " "})
    assert refused.status_code == 422 and "不采纳须填写理由" in refused.text
    ok = c.post(url, data={"csrf_token": token, "fingerprint": fp, "decision": "accepted", "anchor": "finding-0"})
    assert ok.status_code == 303 and ok.headers["location"] == f"/web/reviews/{body['id']}#finding-0"
    assert "已采纳" in c.get(f"/web/reviews/{body['id']}").text
    key = body["report_key"]
    assert c.post(f"/web/reports/{key}/status", data={"status": "approved"}).status_code == 403
    done = c.post(f"/web/reports/{key}/status", data={"csrf_token": token, "status": "approved"})
    assert done.status_code == 303
    assert "已通过" in c.get(done.headers["location"]).text


def test_another_units_rounds_are_not_found(unit):
    svc, own, b, body = unit
    fp = body["review"]["findings"][0]["fingerprint"]
    c = signed_in(svc.url, b["api_key"])
    token = csrf_of(c.get("/web/").text)
    assert c.post(f"/web/reviews/{body['id']}/decisions",
                  data={"csrf_token": token, "fingerprint": fp, "decision": "accepted"}).status_code == 404
    assert c.get(f"/web/reviews/{body['id']}/pages/1.png").status_code == 404
    assert c.get("/web/reports/no-such-report").status_code == 404
    c = signed_in(svc.url, own["api_key"])
    assert c.get(f"/web/reviews/{body['id']}/pages/1.png").status_code == 404  # not a PDF draft
    stats = c.get("/web/stats/rules")
    assert stats.status_code == 200 and "crossref.parts_exceed_whole" in stats.text
