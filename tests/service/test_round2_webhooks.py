"""Issue 17, items 1 and 8, in-process against loopback receivers: every attempt has a total
deadline, reads at most a few KB of the answer, and the retry schedule is the documented one."""

from __future__ import annotations

import json
import random
import socket
import threading
import time

import pytest

from service_procs import RECEIVER_HOST, Receiver
from service_support import make_tenant
from reviewer.settings import Settings
from reviewer.store.db import session_scope
from reviewer.store.models import Delivery, Submission
from reviewer.webhooks.delivery import backoff, send_signed

SECRET = "whsec_MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY="


class RawReceiver:
    """A loopback HTTP receiver written on sockets, to misbehave in ways http.server cannot:
    ``trickle-headers`` sends its status line one byte at a time, ``trickle-body`` answers 200 and
    then one body byte at a time, ``huge-body`` answers 200 and streams an endless chunked body.
    It stops when the client goes away (or at ``close``) and records how many bytes it sent."""

    def __init__(self, mode: str):
        self.mode, self.sent, self.closed_by_client = mode, 0, threading.Event()
        self.stop = threading.Event()
        self.sock = socket.create_server((RECEIVER_HOST, 0))
        self.url = f"http://{RECEIVER_HOST}:{self.sock.getsockname()[1]}/hook"
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        conn, _ = self.sock.accept()
        with conn:
            conn.settimeout(5)
            data = b""
            while b"\r\n\r\n" not in data:
                data += conn.recv(65536)
            head, _, body = data.partition(b"\r\n\r\n")
            length = int([h for h in head.split(b"\r\n") if h.lower().startswith(b"content-length")][0].split(b":")[1])
            while len(body) < length:
                body += conn.recv(65536)
            try:
                if self.mode == "trickle-headers":
                    chunks = (bytes([c]) for c in b"HTTP/1.1 200 OK\r\nX-Slow: " + b"a" * 10_000_000)
                    pause = 0.2
                elif self.mode == "trickle-body":
                    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 100000000\r\n\r\n")
                    chunks = (b"x" for _ in range(100_000_000))
                    pause = 0.2
                else:
                    conn.sendall(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")
                    block = b"%x\r\n%s\r\n" % (65536, b"0" * 65536)
                    chunks = (block for _ in range(10**9))
                    pause = 0.0
                for chunk in chunks:
                    if self.stop.is_set():
                        return
                    conn.sendall(chunk)
                    self.sent += len(chunk)
                    if pause:
                        time.sleep(pause)
            except OSError:
                self.closed_by_client.set()

    def close(self):
        self.stop.set()
        self.sock.close()
        self.thread.join(timeout=10)


def _send_in_thread(url: str, settings: Settings) -> tuple[threading.Thread, list]:
    out: list = []
    th = threading.Thread(target=lambda: out.append(send_signed(url, b"{}", SECRET, "msg_1", settings)),
                          daemon=True)
    th.start()
    return th, out


@pytest.mark.parametrize("mode", ["trickle-headers", "trickle-body"])
def test_a_trickling_receiver_is_cut_off_at_the_attempt_deadline(mode):
    """Each read gets a byte within the per-read timeout, so only a total deadline ends the attempt."""
    rx = RawReceiver(mode)
    try:
        settings = Settings(webhook_allowlist=f"{RECEIVER_HOST}/32", webhook_timeout=1.0, webhook_deadline=2.0)
        th, out = _send_in_thread(rx.url, settings)
        th.join(timeout=20)
        assert not th.is_alive(), "the attempt is still reading from the trickling receiver"
        status, error, _retry_after, _ms = out[0]
        if mode == "trickle-headers":
            assert status is None and "Timeout" in error  # no answer within the deadline: retried later
        else:
            assert status == 200  # the receiver did answer 200; its body is not our business
        assert rx.closed_by_client.wait(10)
    finally:
        rx.close()


def test_a_huge_answer_is_not_read():
    """An endless body: the attempt reads a few KB at most, then closes the connection."""
    rx = RawReceiver("huge-body")
    try:
        settings = Settings(webhook_allowlist=f"{RECEIVER_HOST}/32", webhook_timeout=3.0, webhook_deadline=10.0)
        th, out = _send_in_thread(rx.url, settings)
        th.join(timeout=20)
        assert not th.is_alive(), "the attempt is still reading the endless body"
        assert out[0][0] == 200
        assert rx.closed_by_client.wait(10)
        # what the kernel buffers on loopback is sent but never read; far below the endless body
        assert rx.sent < 64 * 1024 * 1024
    finally:
        rx.close()
    from reviewer.webhooks.delivery import MAX_RESPONSE_BYTES

    assert MAX_RESPONSE_BYTES <= 16 * 1024


def test_the_first_retry_never_comes_before_the_documented_base():
    rng = random.Random(7)
    firsts = [backoff(1, 5.0, 3 * 3600.0, rng) for _ in range(500)]
    assert min(firsts) >= 5.0 and max(firsts) > 5.0  # jittered, but only upwards
    later = [backoff(n, 5.0, 3 * 3600.0, rng) for n in range(1, 30) for _ in range(20)]
    assert max(later) <= 3 * 3600.0


def test_a_retry_after_beyond_the_window_schedules_the_last_attempt_at_its_end(engine):
    """Retry-After: 10 days, window 1 h: one more attempt at the window's end, then the delivery fails."""
    from sqlalchemy.orm import sessionmaker

    from reviewer.store.deliveries import create_delivery
    from reviewer.store.submissions import create_submission
    from reviewer.store.tenants import tenant_for_key
    from reviewer.webhooks.delivery import attempt

    rx = Receiver(plan=[503, 503, 503], retry_after=str(10 * 24 * 3600))
    try:
        key = make_tenant(engine, "a")["api_key"]
        with session_scope(engine) as s:
            tid = tenant_for_key(s, key).id
            sub, _ = create_submission(s, tid, b"draft", "a.txt", {}, rx.url, None)
            did = create_delivery(s, sub, json.dumps({"x": 1})).id
        window = 3600.0
        settings = Settings(webhook_allowlist=f"{RECEIVER_HOST}/32", webhook_retry_window=window,
                            webhook_backoff_base=5.0)
        factory = sessionmaker(engine, expire_on_commit=False)
        delay = attempt(factory, did, settings)
        assert delay is not None and window - 60 <= delay <= window  # the window's end, not never
        with session_scope(engine) as s:
            d = s.get(Delivery, did)
            assert d.status == "pending"
            # the window has passed: the scheduled last attempt is made, and it is the last
            d.created_at -= __import__("datetime").timedelta(seconds=window)
            d.next_attempt_at = d.created_at
        assert attempt(factory, did, settings) is None
        with session_scope(engine) as s:
            d = s.get(Delivery, did)
            assert d.status == "failed" and d.attempt_count == 2
        assert len(rx.requests) == 2
    finally:
        rx.close()


def test_reviewer_worker_runs_a_review_pool_and_a_delivery_pool_by_default():
    """Item 1: the pools `reviewer worker` starts, and --no-supervise asks which one."""
    import argparse
    import subprocess
    import sys

    from reviewer.commands import worker

    p = argparse.ArgumentParser()
    worker.register(p.add_subparsers())
    assert worker.pools(p.parse_args(["worker", "-c", "3", "--beat"])) == [
        ("reviews", "prefork", 3, False), ("webhooks", "threads", 4, True)]
    assert worker.pools(p.parse_args(["worker", "--delivery-concurrency", "0"])) == [("reviews", "prefork", 2, False)]
    assert worker.pools(p.parse_args(["worker", "--queues", "webhooks", "--pool", "threads"])) == [
        ("webhooks", "threads", 2, False)]
    out = subprocess.run([sys.executable, "-m", "reviewer.cli", "worker", "--no-supervise"], capture_output=True,
                         text=True, timeout=60)
    assert out.returncode == 2 and "--queues" in out.stderr and "Traceback" not in out.stderr


def test_feed_positions_are_unique_and_follow_commit_order_under_concurrent_numbering(engine):
    """Item 5: four threads number 60 finished submissions at once (as workers do after each review):
    every one gets one position, no two the same, and no error (PostgreSQL: advisory lock; SQLite:
    the write lock)."""
    from sqlalchemy import select, update

    from reviewer.store.db import utcnow
    from reviewer.store.submissions import create_submission, feed_page, number_finished
    from reviewer.store.tenants import tenant_for_key

    key = make_tenant(engine, "a")["api_key"]
    with session_scope(engine) as s:
        tid = tenant_for_key(s, key).id
        ids = [create_submission(s, tid, f"d{i}".encode(), "a.txt", {}, None, None)[0].id for i in range(60)]
    with session_scope(engine) as s:
        s.execute(update(Submission).values(status="done", finished_at=utcnow()))
    errors: list[Exception] = []

    def number():
        try:
            for _ in range(5):
                with session_scope(engine) as s:
                    number_finished(s, limit=7)
        except Exception as exc:  # noqa: BLE001 - collected for the assertion
            errors.append(exc)

    threads = [threading.Thread(target=number) for _ in range(4)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(timeout=60)
    assert not errors, errors
    with session_scope(engine) as s:
        seqs = list(s.scalars(select(Submission.feed_seq)))
        assert sorted(seqs) == list(range(1, 61))
        assert [x.id for x in feed_page(s, tid, 0, 100)] == [
            x for _, x in sorted((sq, i) for sq, i in s.execute(select(Submission.feed_seq, Submission.id)))]
        assert sorted(x.id for x in feed_page(s, tid, 30, 100)) == sorted(
            i for sq, i in s.execute(select(Submission.feed_seq, Submission.id)) if sq > 30)
    assert len(ids) == 60
