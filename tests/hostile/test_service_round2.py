"""Issue 17 against the real service (uvicorn with its log at info, a Celery worker, a private Redis,
PostgreSQL): wrong files named the same on API, web and `reviewer submit` (item 11), uploads refused
or bounded before their cost (item 7), disconnects, slow clients and pipelining (item 9)."""

from __future__ import annotations

import io
import os
import re
import socket
import subprocess
import sys
import time
import zipfile
from html import escape
from pathlib import Path

import httpx
import pytest

from hostile_drafts import SAMPLE
from reviewer.store.db import make_engine, migrate
from service_procs import ROOT, RedisServer, command, free_port, service_env, wait_until
from service_support import make_tenant, pg_database
from test_input_round2 import WRONG_FILES

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "web"))
from webclient import csrf_of, signed_in  # noqa: E402

pytestmark = pytest.mark.timeout(300)
LARGE = 200_000  # bytes from which an upload counts as large, in these tests


class Api:
    def __init__(self, env: dict, tmp: Path):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc = command("serve", "--port", str(self.port), "--log-level", "info", env=env, log=tmp / "api.log")
        self.worker = command("worker", "--concurrency", "1", "--loglevel", "info", env=env, log=tmp / "worker.log")
        wait_until(self._up, 40, what="API")
        wait_until(lambda: "ready." in self.worker.text(), 60, what="worker")

    def _up(self) -> bool:
        assert self.proc.alive(), self.proc.text()
        try:
            return httpx.get(self.url + "/healthz", timeout=1).status_code == 200
        except httpx.HTTPError:
            return False

    def log(self) -> str:
        return self.proc.text()

    def stop(self) -> None:
        self.worker.stop()
        self.proc.stop()


@pytest.fixture(scope="module")
def svc(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("round2")
    redis_server = RedisServer(tmp)
    with pg_database() as db_url:
        engine = make_engine(db_url)
        migrate(engine)
        env = service_env(db_url, redis_server.url, REVIEWER_MAX_CONCURRENT_UPLOADS="1",
                          REVIEWER_LARGE_UPLOAD_BYTES=str(LARGE), REVIEWER_HEADER_TIMEOUT="1",
                          REVIEWER_BODY_TIMEOUT="5", REVIEWER_BODY_MIN_RATE="10000000",
                          REVIEWER_SUBMIT_RATE_PER_MINUTE="0", REVIEWER_LLM_BASE_URL="", REVIEWER_LLM_API_KEY="",
                          REVIEWER_WEB_SESSION_SECRET="round2-secret-" + "x" * 32,
                          REVIEWER_ANNOTATE_WAIT="0")  # a download not cached yet answers 202 at once
        api = Api(env, tmp)
        api.env, api.tenant = env, make_tenant(engine, "甲单位")
        try:
            yield api
        finally:
            api.stop()
            engine.dispose()
            redis_server.stop()


def _auth(svc) -> dict:
    return {"Authorization": f"Bearer {svc.tenant['api_key']}"}


def _message_of(name: str, data: bytes) -> str:
    from reviewer.errors import InputError
    from reviewer.ingest import read_bytes

    with pytest.raises(InputError) as exc:
        read_bytes(data, name)
    return exc.value.message_zh


# -- item 11 -----------------------------------------------------------------------------------
@pytest.mark.parametrize("name,data,words", WRONG_FILES[:6], ids=[w[0] for w in WRONG_FILES[:6]])
def test_a_wrong_file_gets_the_same_message_on_api_web_and_cli(svc, tmp_path, name, data, words):
    expected = _message_of(name, data)
    assert words in expected
    r = httpx.post(svc.url + "/v1/reviews", headers=_auth(svc), files={"file": (name, data)}, timeout=30)
    assert r.status_code == 415, r.text
    assert r.json()["error"]["message_zh"] == expected
    web = signed_in(svc.url, svc.tenant["api_key"])
    page = web.post("/web/reviews", data={"csrf_token": csrf_of(web.get("/web/").text)}, files={"file": (name, data)})
    assert page.status_code == 415 and escape(expected) in page.text
    path = tmp_path / name
    path.write_bytes(data)
    env = {**svc.env, "REVIEWER_API_URL": svc.url, "REVIEWER_API_KEY": svc.tenant["api_key"]}
    for argv in (["submit", str(path)], ["review", str(path), "--no-llm"]):
        p = subprocess.run([sys.executable, "-m", "reviewer", *argv], env=env, capture_output=True, text=True,
                           timeout=120, cwd=ROOT)
        assert p.returncode == 2 and expected in p.stderr, (argv, p.stderr)
        assert "Traceback" not in p.stderr


def test_invalid_utf8_inside_json_text_says_so(svc):
    r = httpx.post(svc.url + "/v1/reviews", headers={**_auth(svc), "Content-Type": "application/json"},
                   content=b'{"text": "\xe6\x8a\xa5\xe5\x91\x8a \xff\xfe bad"}', timeout=30)
    assert r.status_code == 422, r.text
    err = r.json()["error"]
    assert err["code"] == "input.encoding" and "UTF-8" in err["message_zh"]


def test_meeting_notes_get_a_chinese_cannot_review_page(svc):
    web = signed_in(svc.url, svc.tenant["api_key"])
    notes = "某局办公会议纪要\n时间：2024年3月1日\n参会人员：张三、李四\n会议议定：下周提交材料。\n".encode()
    r = web.post("/web/reviews", data={"csrf_token": csrf_of(web.get("/web/").text)},
                 files={"file": ("会议纪要.txt", notes, "text/plain")})
    assert r.status_code == 303, r.text
    page_url = r.headers["location"]
    def finished():
        text = web.get(page_url).text
        return text if 'id="failure"' in text else None

    html = wait_until(finished, 90, what="result page")
    assert "无法审核" in html and "年度报告" in html
    assert 'data-count="error"' not in html  # no 错误 0 警告 0 提示 0 above it
    failure = html.split('id="failure"', 1)[1].split("</section>", 1)[0]
    assert "input." not in failure and not re.search(r"[A-Za-z]{4,}", re.sub(r"<[^>]+>|class=\"\w+\"", "", failure))


def _bomb_docx() -> bytes:
    import docx

    buf = io.BytesIO()
    docx.Document().save(buf)
    src = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for info in src.infolist():
            zf.writestr(info, src.read(info))
        zf.writestr("word/media/image1.png", bytes(300 * 1024 * 1024))  # 300 MB of zeros in ~300 KB
    return out.getvalue()


# -- item 7 ------------------------------------------------------------------------------------
def test_a_docx_zip_bomb_is_refused_at_upload(svc):
    r = httpx.post(svc.url + "/v1/reviews", headers=_auth(svc), files={"file": ("炸弹.docx", _bomb_docx())}, timeout=60)
    assert r.status_code == 422, r.text
    assert r.json()["error"]["code"] == "input.malicious"


def _open_upload(svc, path: str, size: int, sent: bytes = b"") -> socket.socket:
    s = socket.create_connection(("127.0.0.1", svc.port), timeout=30)
    s.sendall((f"POST {path} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {svc.tenant['api_key']}\r\n"
               f"Content-Type: multipart/form-data; boundary=B\r\nContent-Length: {size}\r\n\r\n").encode() + sent)
    return s


def test_concurrent_large_uploads_are_limited_with_503_and_retry_after(svc):
    holder = _open_upload(svc, "/v1/batches", 5_000_000, b"--B\r\n")
    try:
        time.sleep(0.3)  # the holder's headers reach the app (ordering only, nothing is timed)
        r = httpx.post(svc.url + "/v1/batches", headers=_auth(svc), timeout=30,
                       files={"file": ("a.zip", os.urandom(LARGE + 1000))})
        assert r.status_code == 503, r.text
        assert r.headers["Retry-After"].isdigit() and r.json()["error"]["code"] == "service.busy"
        small = httpx.post(svc.url + "/v1/reviews", headers=_auth(svc), timeout=30, files={"file": ("s.txt", SAMPLE.encode())})
        assert small.status_code == 202, small.text  # a small upload is not held back
    finally:
        holder.close()
    wait_until(lambda: httpx.post(svc.url + "/v1/batches", headers=_auth(svc), timeout=30,
                                  files={"file": ("b.zip", b"PK\x05\x06" + bytes(18) + bytes(LARGE))}).status_code != 503,
               30, what="the slot to be released")


def _peak_kb(pid: int) -> int:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"VmHWM:\s+(\d+)", status).group(1))


def _api_pid(svc) -> int:
    return svc.proc.p.pid  # `reviewer serve` runs uvicorn in this process (one worker)


def test_a_batch_upload_is_spooled_not_held_in_memory_three_times(svc):
    """A 60 MB zip: the API's peak memory grows by less than twice its size (3.3× before; 1.5× measured)."""
    entries = {f"{k}.pdf": os.urandom(12 * 1024 * 1024) for k in range(5)}
    data = io.BytesIO()
    with zipfile.ZipFile(data, "w", zipfile.ZIP_STORED) as zf:
        for name, body in entries.items():
            zf.writestr(name, body)
    raw = data.getvalue()
    del entries, data
    before = _peak_kb(_api_pid(svc))
    r = httpx.post(svc.url + "/v1/batches", headers=_auth(svc), timeout=120, files={"file": ("大.zip", raw)})
    assert r.status_code in (202, 422), r.text
    grew = (_peak_kb(_api_pid(svc)) - before) * 1024
    print(f"API peak memory grew {grew / 2**20:.0f} MB for a {len(raw) / 2**20:.0f} MB batch upload "
          f"({grew / len(raw):.2f}x)")
    assert grew < 2.0 * len(raw), f"peak grew {grew / len(raw):.2f}x the upload"


# -- item 9 ------------------------------------------------------------------------------------
def test_a_client_disconnect_is_one_info_line(svc):
    mark = len(svc.log())
    s = _open_upload(svc, "/v1/reviews", 100_000, b"--B\r\nContent-Disposition: form-data; name=\"file\"; "
                                                    b"filename=\"a.txt\"\r\n\r\n" + b"x" * 1000)
    s.close()
    wait_until(lambda: "client disconnected" in svc.log()[mark:], 30, what="the disconnect in the log")
    time.sleep(0.5)  # anything else the disconnect would log has been written (ordering only)
    new = svc.log()[mark:]
    assert new.count("client disconnected") == 1
    assert "Traceback" not in new and "unhandled" not in new and "ERROR" not in new


def test_slow_headers_get_the_connection_closed(svc):
    mark = len(svc.log())
    s = socket.create_connection(("127.0.0.1", svc.port), timeout=30)
    s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")  # and never the blank line
    assert s.recv(100) == b""  # closed by the server (the timeout of 30 s is only a bound)
    s.close()
    wait_until(lambda: "headers not received in time" in svc.log()[mark:], 10, what="the log line")


def test_a_slow_body_gets_408(svc):
    s = _open_upload(svc, "/v1/reviews", 1000, b"--B\r\n")  # 5 of 1000 bytes, then a byte now and then
    for _ in range(3):
        time.sleep(0.4)  # slower than the minimum rate (the pauses pace the client; nothing is asserted on time)
        try:
            s.sendall(b"x")
        except OSError:
            break
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = s.recv(4096)
        if not chunk:
            break
        data += chunk
    s.close()
    assert data.startswith(b"HTTP/1.1 408"), data[:200]


def test_http11_pipelining_answers_every_request(svc):
    s = socket.create_connection(("127.0.0.1", svc.port), timeout=30)
    s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n" * 3)
    data = b""
    while data.count(b"HTTP/1.1 200") < 3:
        chunk = s.recv(65536)
        if not chunk:
            break
        data += chunk
    s.close()
    assert data.count(b"HTTP/1.1 200") == 3, data


# -- item 2: annotated drafts made by the worker, cached; a refused draft answered at once ---------
def _submit_and_wait(svc, name: str, data: bytes) -> str:
    r = httpx.post(svc.url + "/v1/reviews", headers=_auth(svc), files={"file": (name, data)},
                   data={"use_llm": "false"}, timeout=60)
    assert r.status_code == 202, r.text
    rid = r.json()["id"]
    wait_until(lambda: httpx.get(f"{svc.url}/v1/reviews/{rid}", headers=_auth(svc), timeout=30).json()["status"]
               in ("done", "error"), 180, interval=0.3, what=f"review {name}")
    return rid


def _download(svc, rid: str, fmt: str) -> httpx.Response:
    def ready():
        r = httpx.get(f"{svc.url}/v1/reviews/{rid}/annotated", params={"format": fmt}, headers=_auth(svc), timeout=60)
        if r.status_code == 202:
            assert r.headers["Retry-After"].isdigit() and r.json()["status"] == "pending"
            return None
        return r
    return wait_until(ready, 180, interval=0.5, what=f"annotated {fmt}")


def test_annotated_drafts_are_made_by_the_worker_and_cached(svc):
    rid = _submit_and_wait(svc, "草稿.txt", SAMPLE.encode())
    first = _download(svc, rid, "docx")
    assert first.status_code == 200 and first.content[:2] == b"PK"
    line = f"annotated docx of {rid}"
    assert svc.worker.text().count(line) == 1  # produced in the worker, not in the API
    again = _download(svc, rid, "docx")
    assert again.status_code == 200 and again.content == first.content
    assert svc.worker.text().count(line) == 1  # served from the store: not produced twice
    html = _download(svc, rid, "html")
    assert html.status_code == 200 and "<html" in html.text.lower()
    web = signed_in(svc.url, svc.tenant["api_key"])
    page = wait_until(lambda: (r := web.get(f"/web/reviews/{rid}/download/docx")).status_code == 200 and r, 60,
                      interval=0.5, what="web download")
    assert page.content == first.content


def test_a_healthy_pdf_is_annotated_by_the_worker(svc):
    real = Path(__file__).resolve().parents[1] / "fixtures" / "real" / "huaian-2024.pdf"
    rid = _submit_and_wait(svc, "淮安.pdf", real.read_bytes())
    r = _download(svc, rid, "pdf")
    assert r.status_code == 200 and r.content.startswith(b"%PDF")
    assert f"annotated pdf of {rid}" in svc.worker.text()


def test_a_refused_300_page_pdf_answers_at_once_without_a_parse(svc):
    from pdfgen import grid_content, pdf_of

    rid = _submit_and_wait(svc, "300页.pdf", pdf_of(300, grid_content(20)))  # 120,000 cells: refused by the worker
    status = httpx.get(f"{svc.url}/v1/reviews/{rid}", headers=_auth(svc), timeout=30).json()
    assert status["review"]["status"] == "failed" and status["review"]["error"]["code"] == "input.too_large"
    for fmt in ("pdf", "docx", "html"):
        r = httpx.get(f"{svc.url}/v1/reviews/{rid}/annotated", params={"format": fmt}, headers=_auth(svc), timeout=60)
        assert r.status_code == 409, r.text
        assert r.json()["error"]["code"] == "input.too_large"
    web = signed_in(svc.url, svc.tenant["api_key"])
    assert web.get(f"/web/reviews/{rid}/pages/1.png").status_code == 404  # no page image of a refused draft
    assert "/pages/1.png" not in web.get(f"/web/reviews/{rid}").text
    assert f"of {rid}" not in svc.worker.text()  # answered without reading the draft again
    txt = _submit_and_wait(svc, "草稿2.txt", SAMPLE.encode() + b"\n")
    r = httpx.get(f"{svc.url}/v1/reviews/{txt}/annotated", params={"format": "pdf"}, headers=_auth(svc), timeout=60)
    assert r.status_code == 409 and r.json()["error"]["code"] == "annotated.unavailable"
    assert f"annotated pdf of {txt}" not in svc.worker.text()


def test_pdf_page_images_are_rendered_by_the_worker_and_cached(svc):
    real = Path(__file__).resolve().parents[1] / "fixtures" / "real" / "huaian-2024.pdf"
    rid = _submit_and_wait(svc, "淮安-页面.pdf", real.read_bytes())
    web = signed_in(svc.url, svc.tenant["api_key"])
    assert 'id="pages-pending"' in web.get(f"/web/reviews/{rid}").text  # not counted yet: the text view first
    wait_until(lambda: "/pages/1.png" in web.get(f"/web/reviews/{rid}").text, 60, interval=0.5, what="page list")
    assert svc.worker.text().count(f"annotated pages of {rid}") == 1  # the worker counted the pages

    def image(n: int):
        r = web.get(f"/web/reviews/{rid}/pages/{n}.png")
        if r.status_code == 202:  # the worker is busy: a placeholder that says so
            assert r.headers["Retry-After"].isdigit() and "正在生成" in r.text
            return None
        return r
    assert image(1) is None  # nothing cached yet: the placeholder (202), the worker asked
    first = wait_until(lambda: image(1), 120, interval=0.5, what="page 1")
    assert first.status_code == 200 and first.content.startswith(b"\x89PNG\r\n\x1a\n")
    assert svc.worker.text().count(f"annotated p1 of {rid}") == 1  # rendered in the worker
    again = image(1)
    assert again.status_code == 200 and again.content == first.content
    assert svc.worker.text().count(f"annotated p1 of {rid}") == 1  # served from the store
    assert image(9999).status_code == 404  # past the page count the worker read: no task at all
    assert f"annotated p9999 of {rid}" not in svc.worker.text()


def test_the_feedback_package_holds_the_drafts_the_worker_annotated(svc):
    real = Path(__file__).resolve().parents[1] / "fixtures" / "real" / "huaian-2024.pdf"
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("甲.txt", SAMPLE.encode())
        zf.writestr("淮安.pdf", real.read_bytes())
    r = httpx.post(svc.url + "/v1/batches", headers=_auth(svc), files={"file": ("两份.zip", buf.getvalue())},
                   data={"use_llm": "false"}, timeout=60)
    assert r.status_code == 202, r.text
    bid = r.json()["id"]
    wait_until(lambda: httpx.get(f"{svc.url}/v1/batches/{bid}", headers=_auth(svc), timeout=30).json()["status"]
               == "done", 180, interval=0.5, what="batch")
    polls = []

    def package():
        r = httpx.get(f"{svc.url}/v1/batches/{bid}/feedback.zip", headers=_auth(svc), timeout=60)
        polls.append(r.status_code)
        if r.status_code == 202:
            body = r.json()
            assert r.headers["Retry-After"].isdigit() and body["status"] == "pending" and body["total"] == 2
            return None
        return r
    assert package() is None  # not built in the request: the worker annotates the drafts first (202)
    first = wait_until(package, 180, interval=0.5, what="feedback package")
    assert first.status_code == 200, first.text
    names = zipfile.ZipFile(io.BytesIO(first.content)).namelist()
    assert "修改意见通知单.docx" in names and sum(n.endswith("-审核意见.pdf") for n in names) == 1
    assert sum(n.endswith("-审核意见.docx") for n in names) == 1
    log = svc.worker.text()
    made = re.findall(r"annotated fb\.(docx|pdf) of [0-9a-f-]+: \d+ bytes", log)
    assert sorted(made) == ["docx", "pdf"]  # each draft annotated once, by the worker
    again = package()
    assert again.status_code == 200 and svc.worker.text().count("annotated fb.") == 2  # from the store
    # a finding set aside (不采纳) leaves the package: that draft is annotated again, the other comes from the store
    items = httpx.get(f"{svc.url}/v1/batches/{bid}", headers=_auth(svc), timeout=30).json()["items"]
    txt = next(i["review_id"] for i in items if i["filename"] == "甲.txt")
    finding = httpx.get(f"{svc.url}/v1/reviews/{txt}", headers=_auth(svc), timeout=30).json()["review"]["findings"][0]
    r = httpx.post(f"{svc.url}/v1/reviews/{txt}/decisions", headers=_auth(svc), timeout=30,
                   json={"fingerprint": finding["fingerprint"], "decision": "dismissed", "reason": "测试"})
    assert r.status_code == 200, r.text
    assert package() is None  # stale: produced again by the worker
    third = wait_until(package, 180, interval=0.5, what="feedback package after a dismissal")
    assert third.status_code == 200
    assert svc.worker.text().count(f"annotated fb.docx of {txt}") == 2
    assert len(re.findall(r"annotated fb\.pdf of ", svc.worker.text())) == 1
