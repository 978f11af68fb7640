"""Service throughput: API → Redis → 2 worker processes → store, deterministic reviews only.

Starts its own redis-server (no persistence), a SQLite store in a temp dir, the API
(`reviewer serve`) and one worker with 2 pool processes (`reviewer worker -c 2`), then:

1. throughput: N submissions (default 1,000) sent by 8 client threads; reviews/s is
   N / (last review finished − first submission sent);
   The default draft is small (the sample up to section 二) so the figure measures the
   service rather than the rules; ``--draft`` sends a full draft instead.
2. queue overhead: M submissions (default 100) one at a time, each after the previous
   finished, so the queue is empty; overhead = task start − enqueue (both recorded in
   the store as ``queue_ms``). Under load (1.) the same figure is queue waiting time.

    .venv/bin/python bench/service_throughput.py [--n 1000] [--overhead-n 100] [--draft PATH]

Prints one JSON object. All processes it starts are stopped before it exits.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from datetime import UTC, datetime

import httpx

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DRAFT = Path(__file__).resolve().parents[1] / "examples" / "wuhai-gxj-2023.txt"


def small_draft() -> str:
    """The sample draft up to section 二: a real title, period sentence and narrative, no tables."""
    text = DEFAULT_DRAFT.read_text(encoding="utf-8")
    return text[: text.index("二、主动公开政府信息情况")]


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _spawn(argv: list[str], env: dict, log: Path) -> subprocess.Popen:
    return subprocess.Popen(argv, env=env, cwd=ROOT, stdout=open(log, "wb"), stderr=subprocess.STDOUT,
                            start_new_session=True)


def _stop(p: subprocess.Popen) -> None:
    if p.poll() is None:
        os.killpg(p.pid, signal.SIGTERM)
        try:
            p.wait(15)
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, signal.SIGKILL)
            p.wait(5)


def _cpu_seconds(pgid: int) -> float:
    """CPU time (user + system) of the live processes in a process group, from /proc."""
    total, tick = 0.0, os.sysconf("SC_CLK_TCK")
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid:
            total += (int(fields[11]) + int(fields[12])) / tick
    return total


def _poll(pred, timeout: float, what: str):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if pred():
            return
        time.sleep(0.05)
    raise SystemExit(f"timed out waiting for {what}")


def _finished(engine) -> list[tuple]:
    from sqlalchemy import select

    from reviewer.store.models import Submission

    with engine.connect() as c:
        return c.execute(select(Submission.created_at, Submission.finished_at, Submission.queue_ms)
                         .where(Submission.status.in_(("done", "error")))).all()


def _submit_many(url: str, key: str, text: str, n: int, threads: int) -> list[float]:
    latencies: list[float] = []
    lock = threading.Lock()
    counter = iter(range(n))

    def run():
        with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {key}"}, timeout=60) as client:
            for _ in iter(lambda: next(counter, None), None):
                t0 = time.perf_counter()
                r = client.post("/v1/reviews", json={"text": text, "use_llm": False})
                r.raise_for_status()
                with lock:
                    latencies.append((time.perf_counter() - t0) * 1000)

    pool = [threading.Thread(target=run) for _ in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    return latencies


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=1000)
    ap.add_argument("--overhead-n", type=int, default=100)
    ap.add_argument("--threads", type=int, default=8)
    ap.add_argument("--keep", action="store_true", help="keep the temp dir (store, logs) for inspection")
    ap.add_argument("--worker-loglevel", default="warning", help="info logs every task's run time")
    ap.add_argument("--database-url", default=None, help="store URL (default: a SQLite file in a temp dir)")
    ap.add_argument("--draft", type=Path, default=None,
                    help="draft to submit; default: a small one (title, intro and section 一 of the sample)")
    args = ap.parse_args()
    text = args.draft.read_text(encoding="utf-8") if args.draft else small_draft()

    tmp = Path(tempfile.mkdtemp(prefix="reviewer-bench-"))
    rport, aport = _port(), _port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("REVIEWER_")}
    env.update(REVIEWER_DATABASE_URL=args.database_url or f"sqlite:///{tmp}/bench.sqlite3",
               REVIEWER_REDIS_URL=f"redis://127.0.0.1:{rport}/0",
               REVIEWER_SUBMIT_RATE_PER_MINUTE="0")  # one tenant sends everything: no per-tenant rate limit
    os.environ.update(env)
    procs = [_spawn(["redis-server", "--port", str(rport), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                     "--dir", str(tmp)], env, tmp / "redis.log")]
    cli = [sys.executable, "-m", "reviewer.cli"]
    try:
        from reviewer.store.db import make_engine, migrate, session_scope
        from reviewer.store.tenants import create_api_key

        engine = make_engine(env["REVIEWER_DATABASE_URL"])
        migrate(engine)
        with session_scope(engine) as s:
            key = create_api_key(s, "bench")["api_key"]
        procs.append(_spawn(cli + ["serve", "--port", str(aport), "--log-level", "warning"], env, tmp / "api.log"))
        procs.append(_spawn(cli + ["worker", "--concurrency", "2", "--queues", "reviews", "--loglevel",
                                   args.worker_loglevel, "--no-supervise"], env, tmp / "worker.log"))
        # the delivery pool `reviewer worker` also runs (issue 17); not measured: no callbacks here
        procs.append(_spawn(cli + ["worker", "--concurrency", "4", "--pool", "threads", "--queues", "webhooks",
                                   "--loglevel", args.worker_loglevel, "--no-supervise"], env, tmp / "deliveries.log"))
        url = f"http://127.0.0.1:{aport}"

        def api_up():
            try:
                return httpx.get(url + "/readyz", timeout=1).status_code == 200
            except httpx.HTTPError:
                return False
        _poll(api_up, 60, "API")
        _submit_many(url, key, text, 20, 2)  # warm-up: imports and first connections in every process
        _poll(lambda: len(_finished(engine)) >= 20, 120, "warm-up")
        base = len(_finished(engine))

        cpu0 = {name: _cpu_seconds(p.pid) for name, p in zip(("redis", "api", "worker"), procs)}
        self_cpu0 = time.process_time()
        t0 = time.time()
        latencies = _submit_many(url, key, text, args.n, args.threads)
        submit_s = time.time() - t0
        _poll(lambda: len(_finished(engine)) >= base + args.n, 600, "throughput run")
        cpu_ms = {name: round((_cpu_seconds(p.pid) - cpu0[name]) * 1000 / args.n, 2)
                  for name, p in zip(("redis", "api", "worker"), procs)}
        cpu_ms["bench_client"] = round((time.process_time() - self_cpu0) * 1000 / args.n, 2)
        rows = sorted(_finished(engine), key=lambda r: r[0])[base:]
        last = max(r[1] for r in rows)
        end_to_end_s = (last - datetime.fromtimestamp(t0, UTC).replace(tzinfo=None)).total_seconds()
        waits = [r[2] for r in rows if r[2] is not None]

        overhead = []
        with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {key}"}, timeout=60) as client:
            for _ in range(args.overhead_n):
                rid = client.post("/v1/reviews", json={"text": text, "use_llm": False}).json()["id"]
                while (body := client.get(f"/v1/reviews/{rid}").json())["status"] not in ("done", "error"):
                    time.sleep(0.005)
                overhead.append(body["queue_ms"])
        out = {
            "submissions": args.n,
            "draft_bytes": len(text.encode()),
            "worker_processes": 2,
            "store": env["REVIEWER_DATABASE_URL"].split(":", 1)[0],
            "reviews_per_s": round(args.n / end_to_end_s, 1),
            "end_to_end_s": round(end_to_end_s, 2),
            "submit_phase_s": round(submit_s, 2),
            "api_latency_ms_median": round(statistics.median(latencies), 1),
            "queue_wait_ms_median_under_load": round(statistics.median(waits), 1),
            "queue_overhead_ms_median": round(statistics.median(overhead), 2),
            "queue_overhead_ms_p95": round(sorted(overhead)[int(0.95 * len(overhead)) - 1], 2),
            "cpu_ms_per_review": cpu_ms,
            # other work on the machine skews every figure; the load average tells how much there was
            "load_avg_1m_at_end": round(os.getloadavg()[0], 2),
            "cpus": os.cpu_count(),
        }
        print(json.dumps(out, ensure_ascii=False, indent=2))
        return 0
    finally:
        for p in reversed(procs):
            _stop(p)
        if args.keep:
            print(f"kept {tmp}", file=sys.stderr)
        else:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
