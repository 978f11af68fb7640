"""End to end in headless Chromium (Debian's chromium + chromedriver, driven by selenium) against
the real API, worker and Redis: sign in, review the sample draft, jump to a finding, download the
annotated .docx; submit a zip batch of 20 generated reports, watch it finish, sort, download the XLSX.
Screenshots of every page go to test-artifacts/web-*.png."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import docx
import openpyxl
import pytest

from batchgen import make_batch, zip_files
from conftest import SAMPLE

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
         "--window-size=1440,900", "--lang=zh-CN")

_IN_VIEW = """
const r = arguments[0].getBoundingClientRect();
const w = arguments[0].ownerDocument.defaultView;
return r.height > 0 && r.top >= 0 && r.bottom <= w.innerHeight;
"""
# Everything the page and its frame fetched (documents, scripts, styles, images, XHR).
_LOADED = """
const urls = performance.getEntriesByType('resource').map(e => e.name);
const f = document.getElementById('draft-frame');
if (f && f.contentWindow) { f.contentWindow.performance.getEntriesByType('resource').forEach(e => urls.push(e.name)); }
return urls;
"""


@pytest.fixture
def browser(tmp_path):
    if not (CHROMIUM and CHROMEDRIVER):
        pytest.skip("headless Chromium not installed (apt-get install chromium chromium-driver)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service as DriverService

    downloads = tmp_path / "downloads"
    downloads.mkdir()
    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for flag in (*FLAGS, f"--user-data-dir={tmp_path / 'profile'}"):
        opts.add_argument(flag)
    opts.add_experimental_option("prefs", {"download.default_directory": str(downloads),
                                           "download.prompt_for_download": False})
    driver = webdriver.Chrome(service=DriverService(CHROMEDRIVER), options=opts)
    driver.set_page_load_timeout(60)
    driver.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)})
    driver.downloads = downloads
    try:
        yield driver
    finally:
        driver.quit()  # stops chromedriver and the browser it started


def _wait(pred, timeout: float, what: str):
    """Poll ``pred`` until it is truthy. While the page navigates (a form posted, a redirect), the
    elements it looks at may be gone or stale: that is “not yet”, not a failure."""
    from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            value = pred()
        except (StaleElementReferenceException, NoSuchElementException, StopIteration):
            value = None
        if value:
            return value
        time.sleep(0.25)
    raise AssertionError(f"timed out after {timeout}s: {what}")


def _downloaded(folder: Path, suffix: str, timeout: float = 30) -> Path:
    def done():
        files = [p for p in folder.iterdir() if p.name.endswith(suffix)]
        return files[0] if files and not list(folder.glob("*.crdownload")) else None
    return _wait(done, timeout, f"a {suffix} download in {folder}")


def _shot(driver, artifacts: Path, name: str) -> None:
    driver.save_screenshot(str(artifacts / f"web-{name}.png"))


def _same_origin(driver, base: str) -> None:
    loaded = driver.execute_script(_LOADED)
    outside = [u for u in loaded if not (u.startswith(base + "/") or u.startswith("data:"))]
    assert outside == [], outside


def test_review_and_batch_in_a_real_browser(web_stack, browser, artifacts, tmp_path):
    from selenium.webdriver.common.by import By

    svc, a, _b, _ = web_stack
    d = browser

    # --- sign in ---------------------------------------------------------------------------------
    d.get(svc.url + "/web/history")
    assert "/web/signin" in d.current_url
    _shot(d, artifacts, "1-signin")
    d.find_element(By.CSS_SELECTOR, "details.keysignin summary").click()  # integrators sign in with a key
    d.find_element(By.ID, "api_key").send_keys(a["api_key"])
    d.find_element(By.CSS_SELECTOR, "#key-signin-form button[type=submit]").click()
    _wait(lambda: d.current_url.endswith("/web/history"), 15, "back on the page asked for")
    assert "乌海市政务公开办" in d.find_element(By.CSS_SELECTOR, ".tenant").text

    # --- one draft ---------------------------------------------------------------------------------
    d.get(svc.url + "/web/")
    _shot(d, artifacts, "2-new-review")
    d.find_element(By.ID, "file").send_keys(str(SAMPLE))
    assert "wuhai-gxj-2023.txt" in d.find_element(By.CSS_SELECTOR, ".dropzone .chosen").text
    d.find_element(By.CSS_SELECTOR, "#review-form button[type=submit]").click()
    _wait(lambda: "/web/reviews/" in d.current_url, 15, "the review's page")
    if d.find_elements(By.ID, "review-wait"):
        _shot(d, artifacts, "3-review-waiting")
    _wait(lambda: d.find_elements(By.ID, "findings"), 90, "the review to finish and show")
    _wait(lambda: d.find_element(By.TAG_NAME, "body").get_attribute("data-frame-ready"), 15, "the draft frame")
    _shot(d, artifacts, "4-review")
    # 11 errors; the four failed relations of table 三 are one card, the correction that explains them
    assert d.find_element(By.CSS_SELECTOR, '[data-count="error"]').text == "8"
    assert "另有4条" in d.find_element(By.ID, "folded").text
    findings = d.find_elements(By.CSS_SELECTOR, "#findings section.group:not(.fixed-group):not(.dismissed-group) > ol > li.finding")  # open findings only: an earlier test may have sent this sample before (已修改)
    assert len([f for f in findings if f.get_attribute("data-severity") == "error"]) == 8
    groups = [g.text for g in d.find_elements(By.CSS_SELECTOR, "#findings .group > h2")]
    assert groups[0] == "全文" and groups[1] == "一、总体情况" and "五、存在的主要问题及改进情况" in groups
    _same_origin(d, svc.url)

    # the finding of section 五 (the converter artefact) sits far down the draft: out of view until clicked
    item = next(f for f in findings if "bookmark" in f.text)
    index = item.get_attribute("data-index")
    frame = d.find_element(By.ID, "draft-frame")
    d.switch_to.frame(frame)
    mark = d.find_element(By.CSS_SELECTOR, f'[data-anchors^="a{index}-"],[data-anchors*=" a{index}-"]')
    assert not d.execute_script(_IN_VIEW, mark)
    d.switch_to.default_content()
    item.click()
    d.switch_to.frame(frame)
    assert d.execute_script(_IN_VIEW, mark)
    assert "active" in mark.get_attribute("class").split()
    assert "[bookmark: _GoBack]" in mark.text
    d.switch_to.default_content()
    assert "current" in item.get_attribute("class").split()
    _shot(d, artifacts, "5-review-jumped")

    # the rule of a finding has its own page
    rule_href = item.find_element(By.CSS_SELECTOR, "a.rule-link").get_attribute("href")
    review_url = d.current_url

    # the annotated .docx: one Word comment per finding
    d.find_element(By.ID, "download-docx").click()
    path = _downloaded(d.downloads, ".docx")
    annotated = docx.Document(str(path))
    comments = list(annotated.comments)
    assert len(comments) == len(findings)
    assert any("_GoBack" in c.text for c in comments)

    d.get(rule_href)
    assert d.find_element(By.CSS_SELECTOR, "#rule code").text == "format.converter_artefact"
    _shot(d, artifacts, "6-rule")

    # --- a batch of 20 ------------------------------------------------------------------------------
    batch = make_batch(10, carry_breaks={3}, seed=11)
    assert len(batch.files) == 20
    zpath = tmp_path / "各部门报告.zip"
    zpath.write_bytes(zip_files(batch.files))
    d.get(svc.url + "/web/batches/new")
    d.execute_script("arguments[0].value = '2099-01-31'", d.find_element(By.ID, "deadline"))
    _shot(d, artifacts, "7-new-batch")
    d.find_element(By.ID, "files").send_keys(str(zpath))
    d.find_element(By.CSS_SELECTOR, "#batch-form button[type=submit]").click()
    _wait(lambda: "/web/batches/" in d.current_url and "/new" not in d.current_url, 30, "the batch page")
    _shot(d, artifacts, "8-batch-running")
    assert "2099-01-31 24时" in d.find_element(By.CSS_SELECTOR, "#batch .meta").text
    seen_counts = set()

    def finished():
        try:
            seen_counts.add(d.find_element(By.ID, "count-done").text)
            return d.find_element(By.ID, "batch").get_attribute("data-status") == "done"
        except Exception:  # the page reloads itself when the batch is done
            return False
    _wait(finished, 240, "the batch to finish")
    assert d.find_element(By.ID, "count-done").text == "20"
    assert d.find_element(By.ID, "count-failed").text == "0"
    assert d.find_element(By.ID, "count-queued").text == "0"
    _shot(d, artifacts, "9-batch-done")
    _same_origin(d, svc.url)

    rows = d.find_elements(By.CSS_SELECTOR, "#reports tbody tr")
    assert len(rows) == 20
    d.find_element(By.ID, "sort-errors").click()
    errors = [int(r.find_elements(By.TAG_NAME, "td")[3].text) for r in
              d.find_elements(By.CSS_SELECTOR, "#reports tbody tr")]
    assert errors == sorted(errors, reverse=True) and errors[0] >= 1  # the planted carry-over break on top
    top = d.find_element(By.CSS_SELECTOR, "#reports tbody tr td a")
    assert top.text in batch.carry_breaks
    d.find_element(By.ID, "table-filter").send_keys("-2022.")
    shown = [r.is_displayed() for r in d.find_elements(By.CSS_SELECTOR, "#reports tbody tr")]
    texts = [r.get_attribute("textContent") for r in d.find_elements(By.CSS_SELECTOR, "#reports tbody tr")]
    assert shown == ["-2022." in t for t in texts] and sum(shown) >= 10
    _shot(d, artifacts, "10-batch-sorted-filtered")

    d.find_element(By.ID, "download-xlsx").click()
    xlsx = _downloaded(d.downloads, ".xlsx")
    wb = openpyxl.load_workbook(str(xlsx))
    reports = list(wb["报告汇总"].iter_rows(values_only=True))
    assert len(reports) == 21 and {r[1] for r in reports[1:]} == set(batch.files)

    # a report of the batch opens as an ordinary review page
    d.find_element(By.ID, "table-filter").clear()
    top.click()
    _wait(lambda: d.find_elements(By.ID, "findings"), 30, "the batch report's review page")
    assert any("continuity.carry_over" in f.text for f in d.find_elements(By.CSS_SELECTOR, "#findings .finding"))

    # --- history ----------------------------------------------------------------------------------
    d.get(svc.url + "/web/history")
    assert "wuhai-gxj-2023.txt" in d.find_element(By.ID, "history-reviews").text
    assert len(d.find_elements(By.CSS_SELECTOR, "#history-batches tbody tr")) >= 1
    _shot(d, artifacts, "11-history")
    d.get(review_url)
    assert d.find_elements(By.ID, "findings")

    # --- Swagger UI, served by the service itself, with a working Authorize button --------------------
    d.get(svc.url + "/docs")
    _wait(lambda: d.find_elements(By.CSS_SELECTOR, ".swagger-ui .auth-wrapper button.authorize"), 30, "Swagger UI")
    d.find_element(By.CSS_SELECTOR, ".swagger-ui .auth-wrapper button.authorize").click()
    dialog = _wait(lambda: d.find_elements(By.CSS_SELECTOR, ".swagger-ui .dialog-ux .modal-ux"), 10, "Authorize dialog")[0]
    assert "bearerAuth" in dialog.text
    dialog.find_element(By.CSS_SELECTOR, "input").send_keys(a["api_key"])
    dialog.find_element(By.CSS_SELECTOR, "button.authorize").click()
    _wait(lambda: "Logout" in dialog.text or "注销" in dialog.text, 10, "authorized")
    _shot(d, artifacts, "12-swagger-authorized")
    _same_origin(d, svc.url)
