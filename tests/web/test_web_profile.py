"""/web/profile: a unit sets its rule profile on a page; its later reviews apply it and every page of
the review says so (issue 14). Tenant B, cleared at the end: the other web tests use A's reviews."""

from __future__ import annotations

import httpx

from service_procs import SAMPLE, wait_until
from webclient import csrf_of, signed_in


def test_profile_page_validates_saves_and_is_shown_on_the_review(web_stack):
    svc, _a, b, _ = web_stack
    c = signed_in(svc.url, b["api_key"])
    try:
        page = c.get("/web/profile")
        assert page.status_code == 200 and "当前未设置配置" in page.text and "period.missing" in page.text
        token = csrf_of(page.text)
        bad = c.post("/web/profile", data={"csrf_token": token, "action": "save", "ignore": "period.nonesuch"})
        assert bad.status_code == 422 and "period.nonesuch" in bad.text and "不是已知的规则编号" in bad.text
        r = c.post("/web/profile", data={"csrf_token": token, "action": "save", "name": "某省地方规范",
                                         "ignore": "period.title_vs_period\nformat", "severity": "arithmetic.root_cause = 警告"})
        assert r.status_code == 303, r.text
        page = c.get("/web/profile").text
        assert "某省地方规范" in page and "arithmetic.root_cause = 警告" in page
        row = page.split("<code>period.title_vs_period</code>")[1].split("</tr>")[0]
        assert "不运行" in row
        auth = {"Authorization": f"Bearer {b['api_key']}"}
        rid = httpx.post(f"{svc.url}/v1/reviews", headers=auth, timeout=30, data={"use_llm": "false"},
                         files={"file": ("wuhai.txt", SAMPLE.read_bytes(), "text/plain")}).json()["id"]
        wait_until(lambda: httpx.get(f"{svc.url}/v1/reviews/{rid}", headers=auth).json()["status"] == "done",
                   90, interval=0.3, what="tenant B's review")
        review_page = c.get(f"/web/reviews/{rid}").text
        assert "规则配置：某省地方规范" in review_page and "按配置未显示2条" in review_page
        assert "按规则配置由错误调整" in review_page
        assert "由此导致4条勾稽关系不成立" in review_page  # the root cause's card folds its relations
        assert "规则配置：某省地方规范" in c.get(f"/web/reviews/{rid}/annotated.html").text
    finally:
        token = csrf_of(c.get("/web/profile").text)
        assert c.post("/web/profile", data={"csrf_token": token, "action": "clear"}).status_code == 303
        assert "当前未设置配置" in c.get("/web/profile").text
