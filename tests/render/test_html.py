"""The annotated HTML page: self-contained, and clicking a finding brings its place into view."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from reviewer.ingest import read_bytes
from reviewer.render import render_html

from drafts import build_docx, review_of, sample_findings
from test_docx import text_draft_findings



@pytest.fixture(scope="module")
def docx_page():
    doc = read_bytes(build_docx(), "draft.docx")
    review = review_of(doc, sample_findings(doc))
    return doc, review, render_html(doc, review)


class _Collect(HTMLParser):
    def __init__(self):
        super().__init__()
        self.anchors: dict[str, str] = {}  # token → text inside elements carrying it
        self.external: list[str] = []
        self._stack: list[list[str]] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        for key in ("src", "href"):
            if a.get(key) and not a[key].startswith("#"):
                self.external.append(a[key])
        if tag in ("br",):
            return
        self._stack.append((a.get("data-anchors") or "").split())

    def handle_endtag(self, tag):
        if tag != "br" and self._stack:
            self._stack.pop()

    def handle_data(self, data):
        for toks in self._stack:
            for t in toks:
                self.anchors[t] = self.anchors.get(t, "") + data


def test_page_is_offline_and_marks_every_location(docx_page):
    doc, review, page = docx_page
    p = _Collect()
    p.feed(page)
    assert p.external == [] and "http" not in re.sub(r"<[^>]+>", "", page.split("<script>")[1])
    for fi, f in enumerate(review.findings):
        for li, loc in enumerate(f.locations):
            assert p.anchors.get(f"a{fi}-{li}", "").replace("\n", "") == loc.text.replace("\n", ""), (f.rule_id, li)
    # grouped by section, then severity
    assert "三、收到和处理政府信息公开申请情况" in page and "错误（" in page and "警告（" in page


_IN_VIEW = """
const r = arguments[0].getBoundingClientRect();
return r.top >= 0 && r.bottom <= window.innerHeight && r.left >= 0 && r.right <= window.innerWidth;
"""


def test_click_finding_scrolls_to_its_place(browser, txt_doc, tmp_path, artifacts):
    from selenium.webdriver.common.by import By

    review = review_of(txt_doc, text_draft_findings(txt_doc))
    page = tmp_path / "annotated.html"
    page.write_text(render_html(txt_doc, review), encoding="utf-8")
    browser.get(page.as_uri())
    browser.save_screenshot(str(artifacts / "annotated-html.png"))
    # the last finding sits far down the draft (section 五): out of view before the click
    last = len(review.findings) - 1
    target = browser.find_element(By.CSS_SELECTOR, f'[data-anchors~="a{last}-0"]')
    assert not browser.execute_script(_IN_VIEW, target)
    browser.find_element(By.ID, f"f{last}").click()
    assert browser.execute_script(_IN_VIEW, target)
    assert "active" in target.get_attribute("class").split()
    assert target.text.replace("\n", "") == review.findings[last].locations[0].text
    browser.save_screenshot(str(artifacts / "annotated-html-clicked.png"))
    # a table cell finding highlights the cell itself
    cell_idx = next(i for i, f in enumerate(review.findings) if f.rule_id == "table3.row_total")
    browser.find_element(By.ID, f"f{cell_idx}").click()
    cell = browser.find_element(By.CSS_SELECTOR, f'[data-anchors~="a{cell_idx}-0"]')
    assert browser.execute_script(_IN_VIEW, cell) and cell.text == review.findings[cell_idx].locations[0].text
