"""Issue 16 end to end in headless Chromium against the real API, worker, Redis and PostgreSQL:
``reviewer admin create`` → the admin signs in with a password, imports 5 units from CSV, creates a
审核员 and two 填报单位 accounts; each unit account submits its draft and gets the 404 page for the
other's; a session that ends while a draft is chosen says 登录已过期 and the draft is still sent after
signing in again (issue 17 item 4); the 审核员 sees the board (未提交 / 待修改 / 审核中 → 已通过 after
approving), the same as ``GET /v1/board``, and exports it. Screenshots: test-artifacts/oversight-*.png."""

from __future__ import annotations

from pathlib import Path

import httpx
import openpyxl
from sqlalchemy import update

from conftest import reviewer_cli
from reportgen import consistent_spec, to_docx
from test_web_browser import _downloaded, _same_origin, _wait, browser  # noqa: F401 (fixture)

YEAR = 2026
UNITS_CSV = ("name,aliases,kind,parent,deadline\n"
             "乌海市人民政府,乌海市政府,政府,,\n"
             "乌海市工业和信息化局,乌海市工信局,部门,乌海市人民政府,\n"
             "乌海市海勃湾区人民政府,海勃湾区政府,政府,乌海市人民政府,\n"
             "乌海市教育局,,部门,乌海市人民政府,\n"
             "乌海市海勃湾区千里山镇人民政府,千里山镇,乡镇街道,乌海市海勃湾区人民政府,\n")
ADMIN_PASSWORD = "Admin-pass-2026"


def _cli(env: dict, *args: str):
    return reviewer_cli(env, *args)


def _shot(d, artifacts: Path, name: str) -> None:
    d.save_screenshot(str(artifacts / f"oversight-{name}.png"))


def _sign_in(d, base: str, username: str, password: str, then: str = "/web/") -> None:
    from selenium.webdriver.common.by import By

    d.get(base + "/web/signin?next=" + then)
    d.find_element(By.ID, "username").send_keys(username)
    d.find_element(By.ID, "password").send_keys(password)
    d.find_element(By.CSS_SELECTOR, "#signin-form button[type=submit]").click()
    _wait(lambda: d.current_url.endswith(then), 15, f"{username} signed in on {then}")


def _sign_out(d) -> None:
    from selenium.webdriver.common.by import By

    d.find_element(By.CSS_SELECTOR, "form.signout button").click()
    _wait(lambda: "/web/signin" in d.current_url, 15, "signed out")


def _submit_and_wait(d, path: Path) -> str:
    from selenium.webdriver.common.by import By

    d.find_element(By.ID, "file").send_keys(str(path))
    d.find_element(By.CSS_SELECTOR, "#review-form button[type=submit]").click()
    _wait(lambda: "/web/reviews/" in d.current_url, 20, "the review's page")
    _wait(lambda: d.find_elements(By.ID, "findings"), 120, "the review to finish")
    return d.current_url


def _select(d, element_id: str, text: str) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    Select(d.find_element(By.ID, element_id)).select_by_visible_text(text)


def _no_technical_bits(d) -> None:
    from selenium.webdriver.common.by import By

    html = d.page_source
    assert not d.find_elements(By.ID, "callback_url") and "/docs" not in html and "download-json" not in html
    assert "接口" not in d.find_element(By.CSS_SELECTOR, "header.top").text


def test_oversight_in_a_real_browser(pg_web_stack, browser, artifacts, tmp_path):  # noqa: F811
    from selenium.webdriver.common.by import By

    from reviewer.store.db import session_scope
    from reviewer.store.models import WebSessionRow

    svc, env, engine = pg_web_stack
    d = browser

    # --- first start: the CLI creates the admin and says how to sign in ----------------------------------
    out = _cli(env, "admin", "create", "--tenant", "乌海市政务公开办", "--username", "admin",
               "--password", ADMIN_PASSWORD, "--url", svc.url)
    assert out.returncode == 0, out.stderr
    assert f"{svc.url}/web/signin" in out.stdout and "admin" in out.stdout

    d.get(svc.url + "/web/board")
    assert "/web/signin" in d.current_url
    _shot(d, artifacts, "01-signin")
    d.find_element(By.ID, "username").send_keys("admin")
    d.find_element(By.ID, "password").send_keys(ADMIN_PASSWORD)
    d.find_element(By.CSS_SELECTOR, "#signin-form button[type=submit]").click()
    _wait(lambda: d.current_url.endswith("/web/board"), 15, "back on the board after signing in")

    # --- units from CSV, then three accounts -------------------------------------------------------------
    d.get(svc.url + "/web/admin")
    csv_path = tmp_path / "单位名单.csv"
    csv_path.write_text(UNITS_CSV, encoding="utf-8")
    d.find_element(By.ID, "units-file").send_keys(str(csv_path))
    d.find_element(By.CSS_SELECTOR, "#units-form button[type=submit]").click()
    _wait(lambda: "done=units" in d.current_url, 15, "units imported")
    rows = d.find_elements(By.CSS_SELECTOR, "#unit-table tbody tr")
    assert len(rows) == 5 and "2027-01-31" in rows[0].text
    for username, password, role, unit in (("shenhe", "Shenhe-pass-1", "审核员", None),
                                           ("gxj", "Gxj-pass-0001", "填报单位", "乌海市工业和信息化局"),
                                           ("hbw", "Hbw-pass-0001", "填报单位", "乌海市海勃湾区人民政府")):
        d.find_element(By.ID, "new-username").send_keys(username)
        d.find_element(By.ID, "new-password").send_keys(password)
        _select(d, "new-role", role)
        if unit:
            _select(d, "new-unit", unit)
        d.find_element(By.CSS_SELECTOR, "#account-form button[type=submit]").click()
        _wait(lambda: "done=account" in d.current_url, 15, f"account {username} created")
    accounts = d.find_element(By.ID, "account-table").text
    assert "shenhe 审核员" in accounts and "gxj 填报单位 乌海市工业和信息化局" in accounts
    assert "登录" in d.find_element(By.ID, "audit").text and "创建账号" in d.find_element(By.ID, "audit").text
    _shot(d, artifacts, "02-admin")
    _same_origin(d, svc.url)
    _sign_out(d)

    # --- 填报单位 gxj: a draft with errors; its session ends while the next draft is chosen ----------------
    bad = consistent_spec(agency="乌海市工业和信息化局", year=YEAR, seed=3)
    bad.table3["new"]["commercial"] += 1
    (tmp_path / "工信局-初稿.docx").write_bytes(to_docx(bad))
    (tmp_path / "海勃湾区-初稿.docx").write_bytes(to_docx(consistent_spec(agency="乌海市海勃湾区人民政府",
                                                                        year=YEAR, seed=5)))
    _sign_in(d, svc.url, "gxj", "Gxj-pass-0001")
    nav = d.find_element(By.CSS_SELECTOR, "header.top nav").text
    assert "报送进度" not in nav and "批量审核" not in nav and "管理" not in nav
    _no_technical_bits(d)
    d.find_element(By.ID, "file").send_keys(str(tmp_path / "工信局-初稿.docx"))
    with session_scope(engine) as s:  # the session runs out (8 hours later) while the draft waits
        s.execute(update(WebSessionRow).values(expires_at=WebSessionRow.created_at))
    d.find_element(By.CSS_SELECTOR, "#review-form button[type=submit]").click()
    expired = _wait(lambda: [e for e in d.find_elements(By.CSS_SELECTOR, ".session-expired") if e.is_displayed()],
                    15, "登录已过期 on the form")[0]
    assert "登录已过期" in expired.text and d.current_url.endswith("/web/")
    assert "工信局-初稿.docx" in d.find_element(By.CSS_SELECTOR, ".dropzone .chosen").text  # still chosen
    _shot(d, artifacts, "03-session-expired-draft-kept")
    first, again = d.current_window_handle, expired.find_element(By.TAG_NAME, "a").get_attribute("href")
    d.switch_to.new_window("tab")  # sign in again elsewhere, as the message says
    d.get(again)
    assert "登录已过期" in d.find_element(By.ID, "signin-notice").text
    d.find_element(By.ID, "username").send_keys("gxj")
    d.find_element(By.ID, "password").send_keys("Gxj-pass-0001")
    d.find_element(By.CSS_SELECTOR, "#signin-form button[type=submit]").click()
    _wait(lambda: d.current_url.endswith("/web/signed-in"), 15, "signed in again")
    d.close()
    d.switch_to.window(first)
    d.find_element(By.CSS_SELECTOR, "#review-form button[type=submit]").click()  # the same chosen file
    _wait(lambda: "/web/reviews/" in d.current_url, 20, "the review's page")
    _wait(lambda: d.find_elements(By.ID, "findings"), 120, "the review to finish")
    gxj_review = d.current_url
    assert int(d.find_element(By.CSS_SELECTOR, '[data-count="error"]').text) >= 1  # one card per root cause
    _no_technical_bits(d)
    _shot(d, artifacts, "04-clerk-review")
    _sign_out(d)

    # --- 填报单位 hbw: a clean draft; the other unit's review is a 404 page (with the navigation bar) ----
    _sign_in(d, svc.url, "hbw", "Hbw-pass-0001")
    hbw_review = _submit_and_wait(d, tmp_path / "海勃湾区-初稿.docx")
    assert d.find_element(By.CSS_SELECTOR, '[data-count="error"]').text == "0"
    d.get(gxj_review)
    assert d.find_element(By.TAG_NAME, "h1").text == "未找到" and "乌海市工业和信息化局" not in d.page_source
    assert d.find_elements(By.CSS_SELECTOR, "header.top nav a") and "（" not in d.find_element(By.TAG_NAME, "p").text
    _shot(d, artifacts, "05-other-unit-404")
    d.get(svc.url + "/web/board")
    assert d.find_element(By.TAG_NAME, "h1").text == "未找到"
    _sign_out(d)
    _sign_in(d, svc.url, "gxj", "Gxj-pass-0001")
    d.get(hbw_review)
    assert d.find_element(By.TAG_NAME, "h1").text == "未找到"
    _sign_out(d)

    # --- 审核员: the board, approving the clean report, the same as the API, the export --------------------
    _sign_in(d, svc.url, "shenhe", "Shenhe-pass-1", then=f"/web/board?year={YEAR}")
    _no_technical_bits(d)

    def statuses() -> dict[str, str]:
        return {r.get_attribute("data-unit"): r.get_attribute("data-status")
                for r in d.find_elements(By.CSS_SELECTOR, "#reports tbody tr")}

    assert statuses() == {"乌海市人民政府": "not_submitted", "乌海市工业和信息化局": "needs_changes",
                          "乌海市海勃湾区人民政府": "in_review", "乌海市教育局": "not_submitted",
                          "乌海市海勃湾区千里山镇人民政府": "not_submitted"}
    assert "还有" in d.find_element(By.ID, "countdown").text
    assert len(d.find_elements(By.CSS_SELECTOR, "#status-chart rect")) == 5
    assert d.find_elements(By.CSS_SELECTOR, "#problem-chart rect")  # the broken table 三 of 工信局
    _shot(d, artifacts, "06-board-before-approval")
    row = d.find_element(By.CSS_SELECTOR, 'tr[data-unit="乌海市海勃湾区人民政府"]')
    row.find_element(By.CSS_SELECTOR, "form.approve button").click()
    _wait(lambda: statuses().get("乌海市海勃湾区人民政府") == "approved", 15, "approved on the board")
    labels = {r.get_attribute("data-unit"): r.find_element(By.CSS_SELECTOR, ".state").text
              for r in d.find_elements(By.CSS_SELECTOR, "#reports tbody tr")}
    assert labels["乌海市人民政府"] == "未提交" and labels["乌海市工业和信息化局"] == "待修改"
    assert labels["乌海市海勃湾区人民政府"] == "已通过"
    assert d.find_element(By.ID, "count-not_submitted").text == "未提交 3"
    _select(d, "status-filter", "待修改")
    visible = [r for r in d.find_elements(By.CSS_SELECTOR, "#reports tbody tr") if r.is_displayed()]
    assert [r.get_attribute("data-unit") for r in visible] == ["乌海市工业和信息化局"]
    _select(d, "status-filter", "全部状态")
    _shot(d, artifacts, "07-board-approved")
    _same_origin(d, svc.url)

    d.find_element(By.ID, "board-xlsx").click()
    sheet = openpyxl.load_workbook(str(_downloaded(d.downloads, ".xlsx"))).active
    exported = {r[0]: r[3] for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert exported["乌海市海勃湾区人民政府"] == "已通过" and exported["乌海市工业和信息化局"] == "待修改"

    key = _cli(env, "apikey", "create", "--tenant", "乌海市政务公开办")
    assert key.returncode == 0, key.stderr
    import json

    api_key = json.loads(key.stdout)["api_key"]
    board = httpx.get(f"{svc.url}/v1/board", params={"year": YEAR}, timeout=30,
                      headers={"Authorization": f"Bearer {api_key}"}).json()
    by_name = {u["name"]: u for u in board["units"]}
    assert {n: u["status"] for n, u in by_name.items()} == {
        "乌海市人民政府": "not_submitted", "乌海市工业和信息化局": "needs_changes",
        "乌海市海勃湾区人民政府": "approved", "乌海市教育局": "not_submitted",
        "乌海市海勃湾区千里山镇人民政府": "not_submitted"}
    assert by_name["乌海市工业和信息化局"]["open_errors"] >= 1 and by_name["乌海市工业和信息化局"]["latest_review_id"]
    assert by_name["乌海市人民政府"]["deadline"] == "2027-01-31"
