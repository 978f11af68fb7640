"""Last year's reports (issue 16), through the real service (API, worker, Redis): a unit's published
2022 report stored once makes the carry-over check fire on every review of its 2023 draft — on the
web and the API — and the review page shows 本年 / 上年 / 差额."""

from __future__ import annotations

import re

import httpx
import pytest

from batchgen import make_batch
from service_procs import wait_until
from webclient import csrf_of, signed_in


@pytest.fixture(scope="module")
def unit_pair(web_stack):
    """Tenant A's unit 乌海市教育局 with its 2022 report (docx) and a 2023 draft (txt) whose 上年结转
    is one more than the 2022 report's 结转下年度."""
    svc, a, _b, _ = web_stack
    batch = make_batch(1, carry_breaks={0}, formats=("txt",), seed=16)
    last = next(n for n in batch.files if n.endswith("2022.txt"))
    this = next(n for n in batch.files if n.endswith("2023.txt"))
    auth = {"Authorization": f"Bearer {a['api_key']}"}
    r = httpx.post(f"{svc.url}/v1/units", headers=auth, timeout=30,
                   json=[{"name": "乌海市教育局", "aliases": ["市教育局"], "kind": "部门"}])
    assert r.status_code == 200, r.text
    unit_id = next(u["id"] for u in r.json()["units"] if u["name"] == "乌海市教育局")
    return unit_id, batch.files[last], batch.files[this], auth


def _review(svc, auth, review_id: str) -> dict:
    return wait_until(lambda: (b := httpx.get(f"{svc.url}/v1/reviews/{review_id}", headers=auth, timeout=10).json())
                      ["status"] == "done" and b, 90, interval=0.5, what="review")


def test_without_a_reference_there_is_no_carry_over_check(web_stack, unit_pair):
    svc = web_stack[0]
    _unit_id, _last, this, auth = unit_pair
    r = httpx.post(f"{svc.url}/v1/reviews", headers=auth, timeout=30, data={"use_llm": "false"},
                   files={"file": ("教育局-2023.txt", this, "text/plain")})
    body = _review(svc, auth, r.json()["id"])
    assert not [f for f in body["review"]["findings"] if f["rule_id"].startswith("continuity.")]


def test_a_stored_reference_makes_the_carry_over_check_fire_on_the_web_and_the_api(web_stack, unit_pair):
    svc, a, b, _ = web_stack
    unit_id, last, this, auth = unit_pair
    r = httpx.post(f"{svc.url}/v1/units/{unit_id}/references", headers=auth, timeout=60,
                   files={"file": ("教育局-2022年度报告.txt", last, "text/plain")})
    assert r.status_code == 201, r.text
    assert r.json()["year"] == 2022 and r.json()["source"] == "upload" and r.json()["agency"] == "乌海市教育局"
    listed = httpx.get(f"{svc.url}/v1/units/{unit_id}/references", headers=auth).json()["references"]
    assert [x["year"] for x in listed] == [2022]

    # the web: the clerk's path — upload this year's draft on the form, wait for the result page
    c = signed_in(svc.url, a["api_key"])
    r = c.post("/web/reviews", data={"csrf_token": csrf_of(c.get("/web/").text)},
               files={"file": ("教育局-2023.txt", this, "text/plain")})
    assert r.status_code == 303, r.text
    url = r.headers["location"]
    review_id = url.rsplit("/", 1)[1]
    body = _review(svc, auth, review_id)
    carry = [f for f in body["review"]["findings"] if f["rule_id"] == "continuity.carry_over"]
    assert {f["severity"] for f in carry} == {"error", "warning"}  # the 总计 column, and the one column changed
    assert all("教育局-2022年度报告.txt" in f["message"] for f in carry)
    page = c.get(url).text
    assert "continuity.carry_over" in page and "与上年度报告对比" in page
    section = page[page.index('id="cross-year"'):]
    section = section[:section.index("</section>")]
    # 上年结转（本年）↔ 结转下年度（上年）: one more this year, marked
    row = re.search(r'<tr class="mismatch"><td>上年结转（本年）↔ 结转下年度（上年）</td>\s*'
                    r'<td class="num">(\d+)</td>\s*<td class="num">(\d+)</td>\s*<td class="num">\+1</td>', section)
    assert row and int(row.group(1)) == int(row.group(2)) + 1, section
    assert "本年新收申请（总计）" in section

    # the API: the same draft submitted again gets the same check
    r = httpx.post(f"{svc.url}/v1/reviews", headers=auth, timeout=30, data={"use_llm": "false"},
                   files={"file": ("教育局-2023-再次.txt", this, "text/plain")})
    again = _review(svc, auth, r.json()["id"])
    assert [f["severity"] for f in again["review"]["findings"] if f["rule_id"] == "continuity.carry_over"]

    # the board's feedback package for the unit: a finding dismissed (不采纳) is not sent back
    import io
    import zipfile

    import docx

    def notice() -> str:
        r = httpx.get(f"{svc.url}/v1/board/feedback.zip", headers=auth, timeout=120,
                      params={"year": 2023, "unit": unit_id})
        assert r.status_code == 200, r.text
        z = zipfile.ZipFile(io.BytesIO(r.content))
        assert "乌海市教育局-2023-审核意见.docx" in z.namelist()
        return "\n".join(p.text for p in docx.Document(io.BytesIO(z.read("修改意见通知单.docx"))).paragraphs)

    warning = next(f for f in again["review"]["findings"]
                   if f["rule_id"] == "continuity.carry_over" and f["severity"] == "warning")
    assert warning["message"] in notice()
    r = httpx.post(f"{svc.url}/v1/reviews/{again['id']}/decisions", headers=auth, timeout=30,
                   json={"fingerprint": warning["fingerprint"], "decision": "dismissed", "reason": "机构改革承接了申请"})
    assert r.status_code == 200, r.text
    text = notice()
    assert warning["message"] not in text and "必须修改的问题" in text

    # another tenant cannot see or add the unit's references
    other = {"Authorization": f"Bearer {b['api_key']}"}
    assert httpx.get(f"{svc.url}/v1/units/{unit_id}/references", headers=other).status_code == 404
    assert signed_in(svc.url, b["api_key"]).get(f"/web/units/{unit_id}/references").status_code == 404


def test_references_refuse_what_is_no_report_and_accept_a_reviewed_report(web_stack, unit_pair):
    svc, a, _b, _ = web_stack
    unit_id, last, _this, auth = unit_pair
    r = httpx.post(f"{svc.url}/v1/units/{unit_id}/references", headers=auth, timeout=30,
                   files={"file": ("说明.txt", "请各部门按时报送。".encode(), "text/plain")})
    assert r.status_code == 422 and r.json()["error"]["message_zh"]
    r = httpx.post(f"{svc.url}/v1/units/{unit_id}/references", headers=auth, timeout=30, data={"year": "2021"},
                   files={"file": ("2022.txt", last, "text/plain")})
    assert r.status_code == 422 and r.json()["error"]["code"] == "reference.year_mismatch"
    assert httpx.post(f"{svc.url}/v1/units/999999/references", headers=auth, json={"review_id": "x"}).status_code == 404
    # an approved report reviewed here, marked as the published one (replaces the upload of that year)
    r = httpx.post(f"{svc.url}/v1/reviews", headers=auth, timeout=30, data={"use_llm": "false"},
                   files={"file": ("教育局-2022-终稿.txt", last, "text/plain")})
    review_id = r.json()["id"]
    done = _review(svc, auth, review_id)
    r = httpx.post(f"{svc.url}/v1/units/{unit_id}/references", headers=auth, json={"review_id": review_id})
    assert r.status_code == 409 and r.json()["error"]["code"] == "report.not_approved"  # approve it first
    r = httpx.post(f"{svc.url}/v1/reports/{done['report_key']}/status", headers=auth, json={"status": "approved"})
    assert r.status_code == 200, r.text
    r = httpx.post(f"{svc.url}/v1/units/{unit_id}/references", headers=auth, json={"review_id": review_id})
    assert r.status_code == 201 and r.json()["source"] == "review" and r.json()["review_id"] == review_id
    listed = httpx.get(f"{svc.url}/v1/units/{unit_id}/references", headers=auth).json()["references"]
    assert len(listed) == 1 and listed[0]["filename"] == "教育局-2022-终稿.txt"
    # the web page lists it and its forms carry the CSRF token
    c = signed_in(svc.url, a["api_key"])
    page = c.get(f"/web/units/{unit_id}/references").text
    assert "教育局-2022-终稿.txt" in page and page.count('name="csrf_token"') >= 2
    assert f'name="review_id" value="{review_id}"' in page  # the approved report offered for marking
    assert c.post(f"/web/units/{unit_id}/references", data={"review_id": review_id}).status_code == 403


def test_a_city_report_is_shown_beside_its_subordinates_sum(web_stack, unit_pair):
    """Region roll-up on the API and the review page: a warning panel, not a finding."""
    from reportgen import consistent_spec, to_txt_flattened

    svc, a, _b, _ = web_stack
    _unit_id, _last, _this, auth = unit_pair
    r = httpx.post(f"{svc.url}/v1/units", headers=auth, timeout=30, json=[
        {"name": "乌海市人民政府", "aliases": ["乌海市"], "kind": "政府"},
        {"name": "乌海市教育局", "aliases": ["市教育局"], "kind": "部门", "parent": "乌海市人民政府"}])
    assert r.status_code == 200, r.text
    city = to_txt_flattened(consistent_spec(agency="乌海市人民政府", year=2023, seed=5, zero_applications=False))
    r = httpx.post(f"{svc.url}/v1/reviews", headers=auth, timeout=30, data={"use_llm": "false"},
                   files={"file": ("乌海市-2023.txt", city, "text/plain")})
    review_id = r.json()["id"]
    body = _review(svc, auth, review_id)
    assert not [f for f in body["review"]["findings"] if "rollup" in f["rule_id"]]
    out = httpx.get(f"{svc.url}/v1/reviews/{review_id}/rollup", headers=auth).json()["rollup"]
    assert out["unit"] == "乌海市人民政府" and out["subordinates"] == ["乌海市教育局"]
    new = next(x for x in out["rows"] if x["path"] == "table3/new/total")
    assert new["this"] == body["review"]["report"]["cells"]["table3/new/total"] and new["subordinates"] is not None
    assert out["severity"] in ("warning", None)
    page = signed_in(svc.url, a["api_key"]).get(f"/web/reviews/{review_id}").text
    assert 'id="rollup"' in page and "下级单位之和" in page and "不作为错误" in page
    assert httpx.get(f"{svc.url}/v1/reviews/nope/rollup", headers=auth).status_code == 404
