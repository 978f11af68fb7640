"""Real processes for the service tests: the API (uvicorn), Celery workers, a private
redis-server, and a loopback webhook receiver. Every process started here is
stopped by the fixture that started it."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = Path(__file__).resolve().parents[2] / "examples" / "wuhai-gxj-2023.txt"
# The webhook receiver listens on another loopback address, so the services under test
# allow exactly that one and still refuse 127.0.0.1, ::1 and "localhost".
RECEIVER_HOST = "127.0.0.2"
# Runs one command module directly, so these tests do not depend on other commands.
_RUN_CMD = ("import argparse, importlib, sys\n"
            "m = importlib.import_module('reviewer.commands.' + sys.argv[1])\n"
            "p = argparse.ArgumentParser(); m.register(p.add_subparsers())\n"
            "a = p.parse_args(sys.argv[1:]); sys.exit(a.func(a))\n")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until(pred, timeout: float, interval: float = 0.1, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = pred()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


class Proc:
    """A subprocess in its own session with its output in a log file."""

    def __init__(self, argv: list[str], env: dict, log: Path):
        self.log = log
        self._fh = open(log, "wb")
        self.p = subprocess.Popen(argv, env=env, stdout=self._fh, stderr=subprocess.STDOUT, cwd=ROOT,
                                  start_new_session=True)

    def text(self) -> str:
        return self.log.read_text(errors="replace")

    def alive(self) -> bool:
        return self.p.poll() is None

    def stop(self, timeout: float = 10) -> None:
        if self.p.poll() is None:
            try:
                os.killpg(self.p.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            try:
                self.p.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                os.killpg(self.p.pid, signal.SIGKILL)
                self.p.wait(timeout=5)
        self._fh.close()


def command(name: str, *args: str, env: dict, log: Path) -> Proc:
    return Proc([sys.executable, "-c", _RUN_CMD, name, *args], env, log)


def service_env(db_url: str, redis_url: str, **extra: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("REVIEWER_")}
    env.update({
        "REVIEWER_DATABASE_URL": db_url,
        "REVIEWER_REDIS_URL": redis_url,
        "REVIEWER_WEBHOOK_ALLOWLIST": RECEIVER_HOST + "/32",  # only the test receiver's address
        "REVIEWER_SWEEP_INTERVAL_SECONDS": "0.5",
        "REVIEWER_STUCK_AFTER_SECONDS": "4",
        "REVIEWER_REVIEW_TIME_LIMIT": "120",
        "REVIEWER_WEBHOOK_BACKOFF_BASE": "0.3",
        "REVIEWER_WEBHOOK_TIMEOUT": "3",
        "PYTHONUNBUFFERED": "1",
    })
    env.update(extra)
    return env


class Service:
    """API + `reviewer worker` (a review pool of 2 processes and a delivery pool of threads,
    with beat), started against the given env."""

    POOLS = 2  # `reviewer worker` runs a review pool and a delivery pool (issue 17)

    def __init__(self, env: dict, tmp: Path, concurrency: int = 2, beat: bool = True):
        self.env, self.tmp = env, tmp
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.api = command("serve", "--port", str(self.port), "--log-level", "warning", env=env,
                           log=tmp / "api.log")
        wargs = ["--concurrency", str(concurrency), "--loglevel", "info"]
        if beat:
            wargs += ["--beat", "--schedule-file", str(tmp / "beat-schedule")]
        self.worker = command("worker", *wargs, env=env, log=tmp / "worker.log")
        try:
            wait_until(self._api_up, 30, what=f"API on {self.url}\n{self.api.text()}")
            wait_until(lambda: self.ready_count() >= self.POOLS or not self.worker.alive(), 40,
                       what="both worker pools ready")
            assert self.worker.alive(), self.worker.text()
        except BaseException:
            self.stop()
            raise

    def _api_up(self) -> bool:
        if not self.api.alive():
            raise AssertionError(self.api.text())
        try:
            return httpx.get(self.url + "/healthz", timeout=1).status_code == 200
        except httpx.HTTPError:
            return False

    def ready_count(self) -> int:
        return self.worker.text().count("ready.")

    def pool_pids(self) -> list[int]:
        """Pids of the review pool's processes: `reviewer worker` supervises the Celery main
        processes (reviews: prefork, deliveries: threads), whose children are the pool."""
        pid = self.celery_pid()
        return _children(pid) if pid else []

    def celery_pid(self, queue: str = "reviews") -> int | None:
        """The Celery main process that consumes ``queue``."""
        for kid in _children(self.worker.p.pid):
            try:
                argv = Path(f"/proc/{kid}/cmdline").read_bytes().split(b"\0")
            except OSError:
                continue
            if b"--queues" in argv and argv[argv.index(b"--queues") + 1] == queue.encode():
                return kid
        return None

    def stop(self) -> None:
        for proc in (self.worker, self.api):
            proc.stop()


def _children(pid: int) -> list[int]:
    try:
        return [int(k) for k in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


class RedisServer:
    """A private redis-server (no persistence) that a test may restart."""

    def __init__(self, tmp: Path):
        self.port = free_port()
        self.tmp = tmp
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.proc: Proc | None = None
        self.start()

    def start(self) -> None:
        self.proc = Proc(["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
                          "--appendonly", "no", "--dir", str(self.tmp)], dict(os.environ),
                         self.tmp / f"redis-{time.monotonic_ns()}.log")
        wait_until(self._ping, 10, what="redis-server")

    def _ping(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as s:
                s.sendall(b"PING\r\n")
                return s.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def stop(self) -> None:
        if self.proc:
            self.proc.stop()
            self.proc = None


class Receiver:
    """Loopback webhook receiver. ``plan`` is a list of status codes to answer, in order
    (then 200 forever); every request is recorded with its headers and body."""

    def __init__(self, plan: list[int] | None = None, retry_after: str | None = None, host: str = RECEIVER_HOST):
        self.plan = list(plan or [])
        self.retry_after = retry_after
        self.requests: list[dict] = []
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (http.server naming)
                body = self.rfile.read(int(self.headers.get("content-length", 0)))
                with receiver.lock:
                    code = receiver.plan.pop(0) if receiver.plan else 200
                    receiver.requests.append({"headers": dict(self.headers), "body": body, "answered": code,
                                              "at": time.time()})
                self.send_response(code)
                if receiver.retry_after and code in (429, 503):
                    self.send_header("Retry-After", receiver.retry_after)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer((host, 0), Handler)
        self.url = f"http://{host}:{self.server.server_address[1]}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def ok_requests(self) -> list[dict]:
        with self.lock:
            return [r for r in self.requests if 200 <= r["answered"] < 300]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def json_body(r: dict) -> dict:
    return json.loads(r["body"])
