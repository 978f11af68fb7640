"""Issue 16 in headless Chromium (real API, worker, Redis): a zip with a scan, a spreadsheet and a
README lists every file; the batch's feedback package downloads and its notice opens in LibreOffice
(page images kept); the board's ticked units give their package; last year's report stored once
makes the carry-over check fire on this year's draft, with 本年 / 上年 / 差额 on the review page.
Screenshots: test-artifacts/package-*.png."""

from __future__ import annotations

import io
import shutil
import subprocess
import zipfile
from pathlib import Path

import httpx
import pytest

from batchgen import make_batch
from batchmix import GBK_NAME, mixed_zip
from conftest import SAMPLE
from test_web_browser import _downloaded, _same_origin, _wait, browser  # noqa: F401 (fixture)

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
PDFTOPPM, PDFTOTEXT = shutil.which("pdftoppm"), shutil.which("pdftotext")


def _shot(d, artifacts: Path, name: str) -> None:
    d.save_screenshot(str(artifacts / f"package-{name}.png"))


def _notice_pages(notice: bytes, work: Path, artifacts: Path, prefix: str) -> str:
    """The notice through LibreOffice (PDF) and pdftoppm (page images in test-artifacts); its text."""
    src = work / "通知单.docx"
    src.write_bytes(notice)
    proc = subprocess.run([SOFFICE, f"-env:UserInstallation={(work / 'lo-profile').as_uri()}", "--headless",
                           "--norestore", "--convert-to", "pdf", "--outdir", str(work), str(src)],
                          capture_output=True, text=True, timeout=180)
    pdf = work / "通知单.pdf"
    assert pdf.is_file(), proc.stderr
    subprocess.run([PDFTOPPM, "-r", "60", "-png", str(pdf), str(artifacts / prefix)], check=True, timeout=120)
    return subprocess.run([PDFTOTEXT, str(pdf), "-"], capture_output=True, text=True, timeout=60).stdout


@pytest.mark.skipif(not (SOFFICE and PDFTOPPM and PDFTOTEXT), reason="needs LibreOffice and poppler-utils")
def test_batch_rows_feedback_package_and_last_year_in_a_real_browser(web_stack, browser, artifacts, tmp_path):
    from selenium.webdriver.common.by import By

    svc, a, _b, _ = web_stack
    d = browser
    auth = {"Authorization": f"Bearer {a['api_key']}"}
    r = httpx.post(f"{svc.url}/v1/units", headers=auth, timeout=30, json=[
        {"name": "乌海市工业和信息化局", "aliases": ["乌海市工信局"], "kind": "部门"},
        {"name": "乌海市林业和草原局", "kind": "部门"}])
    assert r.status_code == 200, r.text
    units = {u["name"]: u["id"] for u in r.json()["units"]}

    d.get(svc.url + "/web/batches/new")
    d.find_element(By.CSS_SELECTOR, "details.keysignin summary").click()
    d.find_element(By.ID, "api_key").send_keys(a["api_key"])
    d.find_element(By.CSS_SELECTOR, "#key-signin-form button[type=submit]").click()
    _wait(lambda: d.current_url.endswith("/web/batches/new"), 15, "the batch form after signing in")
    assert ".wps" in d.find_element(By.ID, "files").get_attribute("accept")

    # --- a zip with a scan, a spreadsheet, a README, a zip inside: every file a row ---------------------
    draft = SAMPLE.read_bytes()
    raw, expected = mixed_zip(draft, draft.replace(b"1248", b"2248"))
    (tmp_path / "各部门报告.zip").write_bytes(raw)
    d.find_element(By.ID, "files").send_keys(str(tmp_path / "各部门报告.zip"))
    d.find_element(By.CSS_SELECTOR, "#batch-form button[type=submit]").click()
    _wait(lambda: "/web/batches/" in d.current_url and d.find_elements(By.ID, "batch"), 20, "the batch page")
    _shot(d, artifacts, "1-batch-running")
    _wait(lambda: d.find_elements(By.ID, "download-feedback"), 120, "the batch to finish")
    rows = {r.find_elements(By.TAG_NAME, "td")[0].text: r for r in d.find_elements(By.CSS_SELECTOR, "#reports tbody tr")}
    assert set(rows) == set(expected) and GBK_NAME in rows  # a GBK name without the UTF-8 flag, decoded
    for name, status in expected.items():
        assert rows[name].get_attribute("data-status") == status, name
    assert rows["扫描件.pdf"].find_element(By.CSS_SELECTOR, ".state").text == "无法审核"
    assert "请提交带文字层的 PDF 或原始 Word 文件" in rows["扫描件.pdf"].text
    assert rows["统计表.xlsx"].find_element(By.CSS_SELECTOR, ".state").text == "已跳过"
    assert rows["README"].find_element(By.CSS_SELECTOR, ".errors").text == ""  # no 0 errors on a skipped row
    assert d.find_element(By.ID, "count-skipped").text == "3" and d.find_element(By.ID, "count-failed").text == "2"
    _shot(d, artifacts, "2-batch-every-file-a-row")
    _same_origin(d, svc.url)

    # --- the feedback package: annotated drafts and the notice, opened by LibreOffice -------------------
    d.find_element(By.ID, "download-feedback").click()
    package = zipfile.ZipFile(_downloaded(d.downloads, ".zip", timeout=60))
    names = package.namelist()
    assert "修改意见通知单.docx" in names and "乌海市工业和信息化局-2023-审核意见.docx" in names
    text = "".join(_notice_pages(package.read("修改意见通知单.docx"), tmp_path, artifacts, "package-notice").split())
    assert text.count("修改意见通知单") == 5 and "乌海市工业和信息化局：" in text
    assert "请提交带文字层的PDF或原始Word文件" in text and "1．位置：" in text
    for p in Path(d.downloads).iterdir():
        p.unlink()

    # --- the board: tick units, download their package (one has not submitted: a 催报 notice) ----------
    d.get(f"{svc.url}/web/board?year=2023")
    for name in ("乌海市工业和信息化局", "乌海市林业和草原局"):
        d.find_element(By.CSS_SELECTOR, f'input[name=unit][value="{units[name]}"]').click()
    _shot(d, artifacts, "3-board-selection")
    d.find_element(By.ID, "download-feedback").click()
    package = zipfile.ZipFile(_downloaded(d.downloads, ".zip", timeout=60))
    assert sorted(package.namelist()) == ["乌海市工业和信息化局-2023-审核意见.docx", "修改意见通知单.docx"]
    import docx

    notice = "\n".join(p.text for p in docx.Document(io.BytesIO(package.read("修改意见通知单.docx"))).paragraphs)
    assert "乌海市林业和草原局：" in notice and "尚未报送2023年度政府信息公开工作年度报告" in notice

    # --- last year's report, stored once: the carry-over check fires on this year's draft --------------
    pair = make_batch(1, carry_breaks={0}, formats=("txt",), seed=61)
    last = next(v for k, v in pair.files.items() if k.endswith("2022.txt"))
    this_name, this = next((k, v) for k, v in pair.files.items() if k.endswith("2023.txt"))
    r = httpx.post(f"{svc.url}/v1/units", headers=auth, timeout=30, json=[{"name": "乌海市教育局", "kind": "部门"}])
    unit_id = next(u["id"] for u in r.json()["units"] if u["name"] == "乌海市教育局")
    d.get(f"{svc.url}/web/units/{unit_id}/references")
    (tmp_path / "教育局2022年度报告.txt").write_bytes(last)
    d.find_element(By.ID, "ref-file").send_keys(str(tmp_path / "教育局2022年度报告.txt"))
    d.find_element(By.CSS_SELECTOR, "#reference-form button[type=submit]").click()
    _wait(lambda: "教育局2022年度报告.txt" in d.find_element(By.ID, "references").text, 30, "the reference listed")
    _shot(d, artifacts, "4-references")
    d.get(svc.url + "/web/")
    (tmp_path / this_name).write_bytes(this)
    d.find_element(By.ID, "file").send_keys(str(tmp_path / this_name))
    d.find_element(By.CSS_SELECTOR, "#review-form button[type=submit]").click()
    _wait(lambda: d.find_elements(By.ID, "findings"), 120, "the review to finish")
    rules = [e.text for e in d.find_elements(By.CSS_SELECTOR, "#findings .rule-link")]
    assert "规则 continuity.carry_over" in rules
    table = d.find_element(By.ID, "cross-year")
    mismatch = table.find_element(By.CSS_SELECTOR, "tr.mismatch").text
    assert "上年结转（本年）↔ 结转下年度（上年）" in mismatch and "+1" in mismatch
    d.execute_script("arguments[0].scrollIntoView()", table)
    _shot(d, artifacts, "5-review-this-year-last-year")
