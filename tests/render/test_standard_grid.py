"""Tables shown as read (issue 14): a text draft's tables are drawn in the format's standard grid with the
values as read, so a finding's mark sits in the column it names — checked in the HTML and, for the
seed, by where real headless Chromium lays the cells out."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from reviewer.ingest import read_path
from reviewer.pipeline import ReviewOptions, review_document
from reviewer.render.html import render_html

SEED = Path(__file__).resolve().parents[2] / "examples" / "wuhai-gxj-2023.txt"
COLUMNS = ["自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"]


@pytest.fixture(scope="module")
def seed_html():
    doc = read_path(SEED)
    review = review_document(doc, ReviewOptions(use_llm=False))
    return review, render_html(doc, review)


def _row(grid, label: str):
    return next(tr for tr in grid.find_all("tr") if tr.th and tr.th.get_text(strip=True) == label)


def test_the_seeds_table_three_is_drawn_in_the_standard_grid_with_the_values_as_read(seed_html):
    review, html = seed_html
    soup = BeautifulSoup(html, "html.parser")
    grid = soup.find("table", attrs={"data-table": "table3"})
    assert [th.get_text() for th in grid.tr.find_all("th")][1:] == COLUMNS  # 自然人 one header, not 自/然/人
    disclosed = [td.get_text() for td in _row(grid, "（一）予以公开").find_all("td")]
    assert disclosed == ["0", "1", "0", "0", "0", "0", "2"]  # the “1” is 商业企业's, as the finding says
    (rc,) = [i for i, f in enumerate(review.findings) if f.rule_id == "arithmetic.root_cause"]
    marked = _row(grid, "（一）予以公开").find_all("td")[COLUMNS.index("商业企业")]
    assert any(t.startswith(f"a{rc}-") for t in marked["data-anchors"].split()) and "sev-error" in marked["class"]
    assert soup.find("table", attrs={"data-table": "table4"}) is not None
    assert len(soup.find_all("table", class_="std-grid")) == 6  # table 二's four parts, 三, 四


def test_a_docx_keeps_the_authors_own_grid(tmp_path):
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from reportgen import consistent_spec, to_docx
    from reviewer.ingest import read_bytes

    doc = read_bytes(to_docx(consistent_spec(seed=3)), "draft.docx")
    html = render_html(doc, review_document(doc, ReviewOptions(use_llm=False)))
    assert "class=\"std-grid" not in html


def test_in_chromium_the_mark_sits_under_the_column_the_finding_names(seed_html, tmp_path):
    chromium, driver_path = shutil.which("chromium") or shutil.which("chromium-browser"), shutil.which("chromedriver")
    if not (chromium and driver_path):
        pytest.skip("headless Chromium not installed")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By

    page = tmp_path / "seed.html"
    page.write_text(seed_html[1], encoding="utf-8")
    opts = webdriver.ChromeOptions()
    opts.binary_location = chromium
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--window-size=1500,1200",
                 f"--user-data-dir={tmp_path / 'profile'}"):
        opts.add_argument(flag)
    driver = webdriver.Chrome(service=Service(driver_path), options=opts)
    try:
        driver.get(page.as_uri())
        grid = driver.find_element(By.CSS_SELECTOR, 'table[data-table="table3"]')
        header = next(th for th in grid.find_elements(By.TAG_NAME, "th") if th.text == "商业企业")
        natural = next(th for th in grid.find_elements(By.TAG_NAME, "th") if th.text == "自然人")
        row = next(tr for tr in grid.find_elements(By.TAG_NAME, "tr")
                   if tr.find_elements(By.TAG_NAME, "th") and tr.find_element(By.TAG_NAME, "th").text == "（一）予以公开")
        one = next(td for td in row.find_elements(By.TAG_NAME, "td") if td.text == "1")
        left, right = header.rect["x"], header.rect["x"] + header.rect["width"]
        assert left <= one.rect["x"] + one.rect["width"] / 2 <= right
        assert natural.rect["height"] < 2 * one.rect["height"]  # 自然人 on one line, not stacked
    finally:
        driver.quit()
