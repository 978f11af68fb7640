"""Rule profiles per tenant (issue 14), with real processes: PUT /v1/profile, then a review submitted
by that tenant is run by a real Celery worker under the profile and records it; another tenant's
review is untouched. Errors use the API's error shape; the endpoints are in the OpenAPI document."""

from __future__ import annotations

import httpx
import pytest

from service_procs import SAMPLE, wait_until
from test_service_api import _auth, svc  # noqa: F401  (the same real processes: uvicorn, worker, PostgreSQL)

pytestmark = pytest.mark.timeout(180)


def _review(svc, tenant) -> dict:
    rid = httpx.post(svc.url + "/v1/reviews", headers=_auth(tenant),
                     json={"text": SAMPLE.read_text(encoding="utf-8"), "use_llm": False}, timeout=30).json()["id"]

    def done():
        body = httpx.get(f"{svc.url}/v1/reviews/{rid}", headers=_auth(tenant), timeout=5).json()
        return body if body["status"] in ("done", "error") else None
    return wait_until(done, 90, interval=0.2, what=f"review {rid}")["review"]


def test_profile_endpoints_validate_and_are_documented(svc):
    r = httpx.get(svc.url + "/v1/profile", headers=_auth(svc.a))
    assert r.status_code == 200 and r.json()["default"] is True and r.json()["select"] == ["ALL"]
    bad = httpx.put(svc.url + "/v1/profile", headers=_auth(svc.a), json={"ignore": ["period.no_such_rule"]})
    assert bad.status_code == 422
    err = bad.json()["error"]
    assert err["code"] == "profile.invalid" and "period.no_such_rule" in err["message_zh"] and err["message_en"]
    bad = httpx.put(svc.url + "/v1/profile", headers=_auth(svc.a), json={"severity": {"period.missing": "fatal"}})
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "request.invalid"
    assert httpx.get(svc.url + "/v1/profile").status_code == 401
    paths = httpx.get(svc.url + "/openapi.json").json()["paths"]
    assert {"get", "put", "delete"} <= set(paths["/v1/profile"])
    assert "422" in paths["/v1/profile"]["put"]["responses"]


def test_a_tenants_profile_applies_to_its_reviews_only_and_is_recorded(svc):
    body = {"name": "某省地方规范", "ignore": ["period.title_vs_period", "format"],
            "severity": {"arithmetic.root_cause": "warning"}}
    r = httpx.put(svc.url + "/v1/profile", headers=_auth(svc.a), json=body)
    assert r.status_code == 200, r.text
    assert r.json() | {} == {**body, "select": ["ALL"], "default": False}
    mine, theirs = _review(svc, svc.a), _review(svc, svc.b)
    rules = {f["rule_id"] for f in mine["findings"]}
    assert "period.title_vs_period" not in rules and not any(r.startswith("format.") for r in rules)
    (rc,) = [f for f in mine["findings"] if f["rule_id"] == "arithmetic.root_cause"]
    assert rc["severity"] == "warning" and rc["declared_severity"] == "error"
    assert mine["profile"]["name"] == "某省地方规范" and mine["profile"]["hidden"] == 2
    assert mine["profile"]["regraded"] == 1
    assert theirs["profile"] is None  # the other tenant: every rule at its declared severity
    assert {"period.title_vs_period", "format.converter_artefact"} <= {f["rule_id"] for f in theirs["findings"]}
    assert httpx.delete(svc.url + "/v1/profile", headers=_auth(svc.a)).json()["default"] is True
    assert _review(svc, svc.a)["profile"] is None
