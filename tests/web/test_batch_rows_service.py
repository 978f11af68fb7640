"""A zip with a scan, a spreadsheet, a README and a zip inside, through the real service (API,
worker, Redis): every file is a row on the API and on the web page, with what to do (issue 16)."""

from __future__ import annotations

import io
import zipfile

import docx
import httpx
import pytest

from batchmix import GBK_NAME, UTF8_NAME, mixed_zip
from conftest import SAMPLE
from service_procs import wait_until
from webclient import csrf_of, signed_in


@pytest.fixture(scope="module")
def mixed_batch(web_stack):
    """The mixed zip submitted by tenant A through the API: (batch id, expected rows, final body, polls)."""
    svc, a, _b, _ = web_stack
    draft = SAMPLE.read_bytes()
    raw, expected = mixed_zip(draft, draft.replace(b"1248", b"2248"))
    auth = {"Authorization": f"Bearer {a['api_key']}"}
    r = httpx.post(f"{svc.url}/v1/batches", headers=auth, timeout=60, data={"use_llm": "false"},
                   files={"file": ("各部门报告.zip", raw, "application/zip")})
    assert r.status_code == 202, r.text
    batch_id = r.json()["id"]
    assert r.json()["total"] == len(expected)
    seen = []

    def finished():
        body = httpx.get(f"{svc.url}/v1/batches/{batch_id}", headers=auth, timeout=10).json()
        seen.append(body)
        return body if body["status"] == "done" else None

    final = wait_until(finished, 120, interval=0.5, what="mixed batch")
    return batch_id, expected, final, seen


def test_every_file_of_the_zip_is_a_row_on_the_api_and_the_page(web_stack, mixed_batch):
    svc, a, _b, _ = web_stack
    batch_id, expected, final, seen = mixed_batch
    auth = {"Authorization": f"Bearer {a['api_key']}"}
    items = {it["filename"]: it for it in final["items"]}
    assert {k: v["status"] for k, v in items.items()} == expected
    assert final["counts"] == {"queued": 0, "running": 0, "done": 3, "failed": 2, "skipped": 3}
    scan = items["扫描件.pdf"]
    assert scan["status_zh"] == "无法审核" and scan["error"]["code"] == "input.scanned_pdf"
    assert scan["advice"] == "请提交带文字层的 PDF 或原始 Word 文件" and scan["counts"] is None
    assert items["说明.md"]["error"]["code"] == "input.not_a_report" and items["说明.md"]["status_zh"] == "已跳过"
    assert items["统计表.xlsx"]["error"]["code"] == "batch.not_a_draft"
    assert "zip" in items["旧稿.rar"]["advice"]
    assert items[GBK_NAME]["counts"]["error"] > 0
    # while running, rows not finished never showed counts (no “0 errors” for a queued row)
    for body in seen:
        for it in body["items"]:
            assert (it["counts"] is None) == (it["status"] != "done"), it

    csv = httpx.get(f"{svc.url}/v1/batches/{batch_id}/summary", headers=auth, params={"format": "csv"}).text
    lines = {line.split(",")[1]: line for line in csv.splitlines()[1:]}
    assert "已跳过" in lines["统计表.xlsx"] and "无法审核" in lines["扫描件.pdf"] and "已审核" in lines[GBK_NAME]

    c = signed_in(svc.url, a["api_key"])
    page = c.get(f"/web/batches/{batch_id}").text
    for name in expected:
        assert name.replace("&", "&amp;") in page, name
    assert GBK_NAME in page and UTF8_NAME in page
    assert page.count(">已跳过<") >= 3 and page.count(">无法审核<") >= 2
    assert "请提交带文字层的 PDF 或原始 Word 文件" in page
    progress = c.get(f"/web/batches/{batch_id}/progress.json").json()
    assert progress["counts"]["skipped"] == 3 and len(progress["items"]) == len(expected)


def test_upload_forms_list_every_accepted_type(web_stack):
    svc, a, _b, _ = web_stack
    c = signed_in(svc.url, a["api_key"])
    for path in ("/web/", "/web/batches/new"):
        html = c.get(path).text
        for suffix in (".docx", ".doc", ".wps", ".pdf", ".rtf", ".odt", ".txt", ".html", ".md"):
            assert f"{suffix}," in html or f"{suffix}\"" in html, (path, suffix)  # the accept attribute
            assert f"{suffix}、" in html or f"{suffix}（" in html, (path, suffix)  # the hint people read


def test_a_batch_of_only_spreadsheets_is_refused_with_the_accepted_types(web_stack):
    svc, a, _b, _ = web_stack
    c = signed_in(svc.url, a["api_key"])
    token = csrf_of(c.get("/web/batches/new").text)
    r = c.post("/web/batches", data={"csrf_token": token},
               files=[("files", ("统计表.xlsx", b"PK\x03\x04", "application/octet-stream"))])
    assert r.status_code == 422 and "没有报告" in r.text and ".wps" in r.text


def test_the_feedback_package_of_the_batch_from_the_api_and_the_page(web_stack, mixed_batch):
    svc, a, b, _ = web_stack
    batch_id = mixed_batch[0]
    auth = {"Authorization": f"Bearer {a['api_key']}"}
    r = httpx.get(f"{svc.url}/v1/batches/{batch_id}/feedback.zip", headers=auth, timeout=120,
                  params={"resubmit_by": "2099-01-25", "sender": "乌海市人民政府办公室"})
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "application/zip"
    assert mixed_batch[2]["links"]["feedback"] == f"/v1/batches/{batch_id}/feedback.zip"
    z = zipfile.ZipFile(io.BytesIO(r.content))
    # three reports read (two with the same agency: numbered), the scan and the .rar in the notice only
    assert sorted(z.namelist()) == ["乌海市工业和信息化局-2023-审核意见-2.docx", "乌海市工业和信息化局-2023-审核意见-3.docx",
                                    "乌海市工业和信息化局-2023-审核意见.docx", "修改意见通知单.docx"]
    notice = "\n".join(p.text for p in docx.Document(io.BytesIO(z.read("修改意见通知单.docx"))).paragraphs)
    assert notice.count("修改意见通知单") == 5 and "2099年1月25日前" in notice
    assert "报送“扫描件.pdf”的单位：" in notice and "请提交带文字层的 PDF 或原始 Word 文件" in notice
    assert "统计表.xlsx" not in notice and "README" not in notice  # skipped files are not sent back
    assert notice.count("乌海市人民政府办公室") == 5
    bad = httpx.get(f"{svc.url}/v1/batches/{batch_id}/feedback.zip", headers=auth, params={"resubmit_by": "soon"})
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "request.invalid_date"
    other = httpx.get(f"{svc.url}/v1/batches/{batch_id}/feedback.zip",
                      headers={"Authorization": f"Bearer {b['api_key']}"})
    assert other.status_code == 404 and other.json()["error"]["code"] == "batch.not_found"
    schema = httpx.get(f"{svc.url}/openapi.json").json()["paths"]["/v1/batches/{batch_id}/feedback.zip"]["get"]
    assert "application/zip" in schema["responses"]["200"]["content"]

    csv = httpx.get(f"{svc.url}/v1/batches/{batch_id}/summary", headers=auth, params={"format": "csv"}).text
    lines = {line.split(",")[1]: line for line in csv.splitlines()[1:]}
    assert "已跳过" in lines["统计表.xlsx"] and "无法审核" in lines["扫描件.pdf"] and "已审核" in lines[GBK_NAME]

    c = signed_in(svc.url, a["api_key"])
    page = c.get(f"/web/batches/{batch_id}").text
    assert 'id="download-feedback"' in page and f'action="/web/batches/{batch_id}/feedback.zip"' in page
    r = c.get(f"/web/batches/{batch_id}/feedback.zip", params={"resubmit_by": ""})
    assert r.status_code == 200 and "修改意见通知单.docx" in zipfile.ZipFile(io.BytesIO(r.content)).namelist()
    assert signed_in(svc.url, b["api_key"]).get(f"/web/batches/{batch_id}/feedback.zip").status_code == 404
