"""Issue 15 in headless Chromium against the real API, worker and Redis: review the sample, dismiss a
finding with a reason, accept another, submit the corrected copy with two errors put back, and read
version 2 (timeline, delta, 已忽略, 已修改, changed cells), the report page and its status, the history's
report list and search, rule health; then a PDF draft shown as its own pages with the highlights.
Screenshots of every step go to test-artifacts/web-rounds-*.png."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from conftest import SAMPLE
from test_web_browser import _same_origin, _wait, browser  # noqa: F401 - browser: the fixture

sys.path.append(str(Path(__file__).resolve().parents[1] / "service"))
from rounds_drafts import DISMISSED_RULE, REASON, REOPENED_RULE, version_two  # noqa: E402

pytestmark = pytest.mark.timeout(600)


def _shot(driver, artifacts: Path, name: str) -> None:
    driver.save_screenshot(str(artifacts / f"web-rounds-{name}.png"))


def _finding(d, rule_id: str):
    from selenium.webdriver.common.by import By

    return next(li for li in d.find_elements(By.CSS_SELECTOR, "#findings .finding")
                if li.find_elements(By.CSS_SELECTOR, f'a.rule-link[href$="/{rule_id}"]'))


def _sign_in(d, svc, api_key: str) -> None:
    from selenium.webdriver.common.by import By

    d.get(svc.url + "/web/signin")
    d.find_element(By.CSS_SELECTOR, "details.keysignin summary").click()  # integrators sign in with a key
    d.find_element(By.ID, "api_key").send_keys(api_key)
    d.find_element(By.CSS_SELECTOR, "#key-signin-form button[type=submit]").click()
    _wait(lambda: "/web/signin" not in d.current_url, 15, "signed in")


def _submit(d, svc, path: Path) -> None:
    from selenium.webdriver.common.by import By

    d.get(svc.url + "/web/")
    d.find_element(By.ID, "file").send_keys(str(path))
    d.find_element(By.CSS_SELECTOR, "#review-form button[type=submit]").click()
    _wait(lambda: "/web/reviews/" in d.current_url, 15, "the review's page")
    _wait(lambda: d.find_elements(By.ID, "findings"), 120, "the review to finish and show")


def test_review_rounds_in_a_real_browser(web_stack, browser, artifacts, tmp_path):  # noqa: F811
    from selenium.webdriver.common.by import By

    from reviewer.store.db import session_scope
    from reviewer.store.tenants import create_api_key

    svc, _a, _b, engine = web_stack
    with session_scope(engine) as s:  # a unit of its own: the other web tests review the same sample
        c = create_api_key(s, "乌海市工业和信息化局")
    d = browser
    _sign_in(d, svc, c["api_key"])

    # --- version 1 -----------------------------------------------------------------------------------
    _submit(d, svc, SAMPLE)
    v1_url = d.current_url
    _shot(d, artifacts, "1-version1")
    assert d.find_element(By.ID, "rounds").text.count("稿") == 1  # 第1稿 only
    assert d.find_element(By.CSS_SELECTOR, "#open-errors b").text == "8"  # one per card: 4 relations fold under the root cause
    assert not d.find_elements(By.ID, "delta")

    # 不采纳 with a reason: the finding folds into 已忽略 and stops counting
    item = _finding(d, DISMISSED_RULE)
    item.find_element(By.CSS_SELECTOR, "details.dismiss summary").click()
    item.find_element(By.CSS_SELECTOR, "textarea[name=reason]").send_keys(REASON)
    _shot(d, artifacts, "2-dismissing")
    item.find_element(By.CSS_SELECTOR, "button.dismiss-submit").click()
    _wait(lambda: d.find_elements(By.ID, "dismissed-group"), 15, "the 已忽略 group")
    group = d.find_element(By.ID, "dismissed-group")
    assert "已忽略（1）" in group.text and REASON in group.text
    assert d.find_element(By.CSS_SELECTOR, "#open-errors b").text == "7"
    d.execute_script("arguments[0].scrollIntoView()", group)
    _shot(d, artifacts, "3-dismissed")

    # 采纳 another: recorded with who and when, 撤销 offered
    item = _finding(d, "arithmetic.root_cause")
    item.find_element(By.CSS_SELECTOR, "button.accept").click()
    _wait(lambda: "已采纳" in _finding(d, "arithmetic.root_cause").text, 15, "the acceptance")
    assert "撤销" in _finding(d, "arithmetic.root_cause").text

    # --- version 2: the corrected copy with two errors put back ---------------------------------------
    v2_path = tmp_path / "乌海市工信局2023年报告（修改稿）.txt"
    v2_path.write_text(version_two(), encoding="utf-8")
    _submit(d, svc, v2_path)
    rounds = d.find_element(By.ID, "rounds").text
    assert "第1稿" in rounds and "第2稿" in rounds
    delta = {b.get_attribute("data-delta"): int(b.text) for b in d.find_elements(By.CSS_SELECTOR, "#delta b")}
    assert delta == {"fixed": 10, "new": 0, "open": 1, "dismissed": 1}
    assert d.find_element(By.CSS_SELECTOR, "#open-errors b").text == "1"
    assert [f.get_attribute("data-severity") for f in
            d.find_elements(By.CSS_SELECTOR, "#findings .group:not(.dismissed-group):not(.fixed-group) .finding")] \
        == ["error"]
    assert REOPENED_RULE in d.find_element(By.CSS_SELECTOR, "#findings .group .finding a.rule-link").get_attribute("href")
    assert REASON in d.find_element(By.ID, "dismissed-group").text
    assert len(d.find_elements(By.CSS_SELECTOR, "#fixed-group .finding")) == 10
    cells = d.find_element(By.ID, "changed-cells")
    cells.find_element(By.TAG_NAME, "summary").click()
    assert "商业企业" in cells.text and "予以公开" in cells.text
    _shot(d, artifacts, "4-version2")
    d.execute_script("arguments[0].scrollIntoView()", d.find_element(By.ID, "fixed-group"))
    _shot(d, artifacts, "5-version2-fixed")
    _same_origin(d, svc.url)

    # --- the report: versions and status, one click away ---------------------------------------------
    d.find_element(By.ID, "report-link").click()
    _wait(lambda: d.find_elements(By.ID, "versions"), 15, "the report page")
    assert len(d.find_elements(By.CSS_SELECTOR, "#versions tbody tr")) == 2
    d.find_element(By.ID, "status-approved").click()
    _wait(lambda: d.find_element(By.ID, "report-status").text == "已通过", 15, "the status")
    assert "乌海市工业和信息化局" in d.find_element(By.ID, "report").text
    _shot(d, artifacts, "6-report-approved")

    # --- history: reports, searchable (简称 finds the 全称), newest first ------------------------------
    d.get(svc.url + "/web/history")
    d.find_element(By.ID, "report-search").send_keys("乌海市工信局")
    d.find_element(By.CSS_SELECTOR, "form.search button").click()
    _wait(lambda: "q=" in d.current_url, 10, "the search")
    rows = d.find_elements(By.CSS_SELECTOR, "#history-reports tbody tr")
    assert len(rows) == 1
    cells = [td.text for td in rows[0].find_elements(By.TAG_NAME, "td")]
    assert cells[0] == "乌海市工业和信息化局" and cells[1] == "2023" and cells[2] == "2" and cells[3] == "已通过"
    assert cells[4] == "1"
    _shot(d, artifacts, "7-history-reports")

    # --- rule health ---------------------------------------------------------------------------------
    d.get(svc.url + "/web/stats/rules")
    row = d.find_element(By.CSS_SELECTOR, f'#rule-stats tr[data-rule="{DISMISSED_RULE}"]')
    tds = [td.text for td in row.find_elements(By.TAG_NAME, "td")]
    assert tds[1] == "2" and tds[4] == "1" and REASON in tds[6]
    _shot(d, artifacts, "8-rule-stats")

    # undo on version 1 shows the dismissal gone everywhere (it is kept per report)
    d.get(v1_url)
    undo = d.find_element(By.CSS_SELECTOR, "#dismissed-group button.undo")
    undo.click()
    _wait(lambda: not d.find_elements(By.ID, "dismissed-group"), 15, "the undo")
    assert d.find_element(By.CSS_SELECTOR, "#open-errors b").text == "8"  # one per card: 4 relations fold under the root cause


def test_a_pdf_draft_shows_its_own_pages(web_stack, browser, artifacts):  # noqa: F811
    from selenium.webdriver.common.by import By

    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from lohelpers import SOFFICE, convert_all
    from reportgen import to_docx
    from test_same_findings_across_formats import planted

    from reviewer.store.db import session_scope
    from reviewer.store.tenants import create_api_key

    if SOFFICE is None:
        pytest.skip("LibreOffice not installed")
    svc, _a, _b, engine = web_stack
    with session_scope(engine) as s:
        p = create_api_key(s, "PDF 测试单位")
    pdf = convert_all({"d.docx": to_docx(planted(1))}, "pdf")["d.docx"]
    path = Path(artifacts) / "web-rounds-draft.pdf"
    path.write_bytes(pdf)
    d = browser
    _sign_in(d, svc, p["api_key"])
    _submit(d, svc, path)
    pages = d.find_elements(By.CSS_SELECTOR, "#pdf-pages figure.pdf-page img")
    assert pages and not d.find_elements(By.ID, "draft-frame")
    _wait(lambda: d.execute_script("return arguments[0].complete && arguments[0].naturalWidth > 0", pages[0]),
          30, "the first page image")
    items = d.find_elements(By.CSS_SELECTOR, "#findings .finding[data-pages]")
    located = [f for f in items if f.get_attribute("data-pages")]
    assert located and all("第" in f.text and "页" in f.text for f in located)  # every location names its page
    last = max(located, key=lambda f: int(f.get_attribute("data-pages").split()[0]))
    page_no = last.get_attribute("data-pages").split()[0]
    d.execute_script("arguments[0].click()", last)
    target = d.find_element(By.ID, f"page-{page_no}")
    _wait(lambda: "current" in target.get_attribute("class"), 10, "the page of the finding")
    _shot(d, artifacts, "9-pdf-pages")
    _same_origin(d, svc.url)
    d.find_element(By.CSS_SELECTOR, "#pdf-pages .view-switch a").click()
    _wait(lambda: d.find_elements(By.ID, "draft-frame"), 15, "the text view")
    assert d.find_element(By.ID, "view-pages")
