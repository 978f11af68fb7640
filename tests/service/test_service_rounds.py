"""Issue 15 against real processes (uvicorn, a Celery worker, Redis, PostgreSQL, a webhook receiver):
version 1, a dismissal with its reason, version 2 of the same report with its delta, its webhook
verified with the ``standardwebhooks`` package, the report's status, rule stats, tenant isolation."""

from __future__ import annotations

import json

import httpx
import pytest

from rounds_drafts import DISMISSED_RULE, REASON, REOPENED_RULE, V1, version_two
from service_procs import Receiver, wait_until

pytestmark = pytest.mark.timeout(240)


@pytest.fixture(scope="module")
def svc(tmp_path_factory):
    from service_support import running_service

    with running_service(tmp_path_factory.mktemp("svc")) as service:
        yield service


def _auth(tenant: dict) -> dict:
    return {"Authorization": f"Bearer {tenant['api_key']}"}


def _wait_done(svc, rid) -> dict:
    def done():
        body = httpx.get(f"{svc.url}/v1/reviews/{rid}", headers=_auth(svc.a), timeout=5).json()
        return body if body["status"] in ("done", "error") else None
    return wait_until(done, 60, interval=0.2, what=f"review {rid}")


def _by_rule(review: dict, rule: str) -> dict:
    [f] = [f for f in review["findings"] if f["rule_id"] == rule]
    return f


def test_two_rounds_of_the_seed_report(svc):
    from standardwebhooks import Webhook

    rx = Receiver()
    try:
        r = httpx.post(svc.url + "/v1/reviews", headers=_auth(svc.a),
                       files={"file": (V1.name, V1.read_bytes(), "text/plain")},
                       data={"use_llm": "false", "callback_url": rx.url})
        assert r.status_code == 202, r.text
        v1 = _wait_done(svc, r.json()["id"])
        assert v1["version"] == 1 and v1["previous_review_id"] is None and v1["report_key"]
        assert all(f["fingerprint"] and f["decision"] is None for f in v1["review"]["findings"])
        v1_fps = {f["fingerprint"] for f in v1["review"]["findings"]}
        assert len(v1_fps) == len(v1["review"]["findings"]) >= 10
        dismissed = _by_rule(v1["review"], DISMISSED_RULE)["fingerprint"]

        url = f"{svc.url}/v1/reviews/{v1['id']}/decisions"
        no_reason = httpx.post(url, headers=_auth(svc.a), json={"fingerprint": dismissed, "decision": "dismissed"})
        assert no_reason.status_code == 422 and no_reason.json()["error"]["code"] == "decision.reason_required"
        other = httpx.post(url, headers=_auth(svc.b), json={"fingerprint": dismissed, "decision": "dismissed",
                                                             "reason": REASON})
        assert other.status_code == 404  # another tenant's review looks missing
        ok = httpx.post(url, headers=_auth(svc.a), json={"fingerprint": dismissed, "decision": "dismissed",
                                                          "reason": REASON, "by": "张三"})
        assert ok.status_code == 200, ok.text
        assert ok.json()["decision"] == "dismissed" and ok.json()["reason"] == REASON and ok.json()["by"] == "张三"
        after = httpx.get(f"{svc.url}/v1/reviews/{v1['id']}", headers=_auth(svc.a)).json()
        assert _by_rule(after["review"], DISMISSED_RULE)["decision"]["reason"] == REASON
        assert after["open_counts"]["error"] == v1["open_counts"]["error"] - 1

        # version 2: linked by agency and year alone (no report_key in the request)
        r2 = httpx.post(svc.url + "/v1/reviews", headers=_auth(svc.a),
                        files={"file": ("乌海市工信局2023年报告（修改稿）.txt", version_two().encode(), "text/plain")},
                        data={"use_llm": "false", "callback_url": rx.url})
        v2 = _wait_done(svc, r2.json()["id"])
        assert v2["report_key"] == v1["report_key"] and v2["version"] == 2
        assert v2["previous_review_id"] == v1["id"]
        reopened = _by_rule(v2["review"], REOPENED_RULE)["fingerprint"]
        assert _by_rule(v2["review"], DISMISSED_RULE)["fingerprint"] == dismissed
        delta = v2["delta"]
        assert delta["dismissed"] == [dismissed] and delta["open"] == [reopened] and delta["new"] == []
        assert set(delta["fixed"]) == v1_fps - {dismissed, reopened}
        assert delta["counts"] == {"fixed": len(v1_fps) - 2, "new": 0, "open": 1, "dismissed": 1}
        assert _by_rule(v2["review"], DISMISSED_RULE)["decision"]["decision"] == "dismissed"
        assert v2["counts"]["error"] == 2 and v2["open_counts"]["error"] == 1  # the dismissed one is not counted

        # the webhook of version 2 carries the delta and verifies with the standardwebhooks package
        def hook_for_v2():
            return [h for h in rx.ok_requests() if h["headers"]["webhook-id"] == f"msg_{v2['id']}"]
        hook = wait_until(hook_for_v2, 60, what="webhook of version 2")[0]
        event = Webhook(svc.a["webhook_secret"]).verify(hook["body"], hook["headers"])
        assert event["data"]["delta"] == delta and event["data"]["version"] == 2
        assert event["data"]["report_key"] == v1["report_key"] and event["data"]["open_counts"]["error"] == 1
    finally:
        rx.close()

    # the report: its versions, and its status set by the reviewer
    key = v1["report_key"]
    rep = httpx.get(f"{svc.url}/v1/reports/{key}", headers=_auth(svc.a)).json()
    assert [v["version"] for v in rep["versions"]] == [1, 2] and rep["status"] is None
    assert rep["open_counts"]["error"] == 1 and rep["versions"][1]["delta_counts"]["fixed"] == len(v1_fps) - 2
    assert httpx.get(f"{svc.url}/v1/reports/{key}", headers=_auth(svc.b)).status_code == 404
    st = httpx.post(f"{svc.url}/v1/reports/{key}/status", headers=_auth(svc.a),
                    json={"status": "changes_requested", "by": "李四"})
    assert st.status_code == 200 and st.json()["status_zh"] == "待修改" and st.json()["status_by"] == "李四"
    assert st.json()["status_review_id"] == v2["id"]
    assert httpx.post(f"{svc.url}/v1/reports/{key}/status", headers=_auth(svc.b),
                      json={"status": "approved"}).status_code == 404
    listed = httpx.get(f"{svc.url}/v1/reports?q=乌海市工业和信息化局", headers=_auth(svc.a)).json()["reports"]
    assert [r["report_key"] for r in listed] == [key] and listed[0]["open_errors"] == 1
    assert httpx.get(f"{svc.url}/v1/reports", headers=_auth(svc.b)).json()["reports"] == []

    # undo: the finding counts again
    undo = httpx.post(f"{svc.url}/v1/reviews/{v2['id']}/decisions", headers=_auth(svc.a),
                      json={"fingerprint": dismissed, "decision": None})
    assert undo.status_code == 200 and undo.json()["decision"] is None
    v2_again = httpx.get(f"{svc.url}/v1/reviews/{v2['id']}", headers=_auth(svc.a)).json()
    assert v2_again["open_counts"]["error"] == 2 and dismissed in v2_again["delta"]["open"]

    # rule health: the dismissal was recorded while it stood; redo it and read the stats
    httpx.post(f"{svc.url}/v1/reviews/{v2['id']}/decisions", headers=_auth(svc.a),
               json={"fingerprint": dismissed, "decision": "dismissed", "reason": REASON})
    stats = {r["rule_id"]: r for r in httpx.get(f"{svc.url}/v1/rules/stats", headers=_auth(svc.a)).json()["rules"]}
    assert stats[DISMISSED_RULE]["dismissed"] == 1 and stats[DISMISSED_RULE]["fired"] == 2
    assert stats[DISMISSED_RULE]["reasons"][0]["reason"] == REASON
    assert stats[REOPENED_RULE]["fired"] == 2 and stats[REOPENED_RULE]["dismissed"] == 0
    assert httpx.get(f"{svc.url}/v1/rules/stats", headers=_auth(svc.b)).json()["rules"] == []


def test_explicit_report_key_and_previous_review_id(svc):
    text = V1.read_text(encoding="utf-8")
    first = httpx.post(svc.url + "/v1/reviews", headers=_auth(svc.a),
                       json={"text": text, "use_llm": False, "report_key": "wuhai-gxj-2023-explicit"}).json()
    v1 = _wait_done(svc, first["id"])
    assert v1["report_key"] == "wuhai-gxj-2023-explicit" and v1["version"] == 1
    second = httpx.post(svc.url + "/v1/reviews", headers=_auth(svc.a),
                        json={"text": text + "\n补充说明。", "use_llm": False, "previous_review_id": v1["id"]}).json()
    v2 = _wait_done(svc, second["id"])
    assert (v2["report_key"], v2["version"], v2["previous_review_id"]) == ("wuhai-gxj-2023-explicit", 2, v1["id"])
    assert v2["delta"]["fixed"] == [] and v2["delta"]["new"] == []  # the same problems, nothing fixed
    assert len(v2["delta"]["open"]) == len(v1["review"]["findings"])
    # another tenant's review id cannot be named as the previous version
    r = httpx.post(svc.url + "/v1/reviews", headers=_auth(svc.b),
                   json={"text": text, "use_llm": False, "previous_review_id": v1["id"]})
    assert r.status_code == 404 and r.json()["error"]["code"] == "review.not_found"
    bad = httpx.post(svc.url + "/v1/reviews", headers=_auth(svc.a),
                     json={"text": text, "report_key": "a/b"})
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "request.invalid_report_key"
    paths = httpx.get(svc.url + "/openapi.json").json()["paths"]
    for p in ("/v1/reviews/{review_id}/decisions", "/v1/reports/{report_key}", "/v1/reports/{report_key}/status",
              "/v1/rules/stats"):
        assert p in paths


def test_reviewer_submit_exits_by_open_errors(svc, tmp_path):
    """`reviewer submit --wait` exits 1 for open errors only: once every remaining error of the report is
    dismissed, the next version of the same draft exits 0."""
    import subprocess
    import sys

    from service_procs import _RUN_CMD

    env = dict(svc.env, REVIEWER_API_URL=svc.url, REVIEWER_API_KEY=svc.b["api_key"])
    draft = tmp_path / "修改稿.txt"
    draft.write_text(version_two(), encoding="utf-8")
    cmd = [sys.executable, "-c", _RUN_CMD, "submit", str(draft), "--wait", "--no-llm", "--format", "json"]
    first = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=90)
    assert first.returncode == 1, first.stderr
    body = json.loads(first.stdout)
    for f in body["review"]["findings"]:
        r = httpx.post(f"{svc.url}/v1/reviews/{body['id']}/decisions", headers=_auth(svc.b),
                       json={"fingerprint": f["fingerprint"], "decision": "dismissed", "reason": REASON})
        assert r.status_code == 200, r.text
    again = subprocess.run([*cmd, "--previous", body["id"]], env=env, capture_output=True, text=True, timeout=90)
    assert again.returncode == 0, again.stdout[-2000:] + again.stderr
    second = json.loads(again.stdout)
    assert second["version"] == body["version"] + 1 and second["counts"]["error"] == 2
    assert second["previous_review_id"] == body["id"] and second["report_key"] == body["report_key"]
    assert second["open_counts"]["error"] == 0 and second["delta"]["counts"]["dismissed"] == 2
