"""Batch makespan: one 500-report batch through the service, end to end.

Starts its own redis-server, a fresh PostgreSQL database (SQLite with ``--db sqlite``),
the API (`reviewer serve`) and 2 Celery worker processes, posts one zip of generated
reports (250 agencies × two consecutive years) to ``POST /v1/batches`` and times
POST → batch ``done`` (every review finished and the cross-report checks written).

Modes:
* ``deterministic``: rules only; the 2 worker processes use the prefork pool.
* ``llm``: the narrative also goes to an OpenAI-compatible test server on loopback
  (tests/llm/fake_openai_server.py) that answers each request after ``--latency`` s,
  under a limit of ``--limit`` requests in flight shared by all workers through Redis
  (REVIEWER_LLM_SHARED_MAX_CONCURRENCY). Each of the 2 worker processes runs a thread
  pool (``--threads``), since the work is waiting on the LLM. Ideal = N × latency / limit.

    .venv/bin/python bench/batch_makespan.py [--mode deterministic|llm|both] [--reports 500]

Prints one JSON object per mode. Every process it starts is stopped before it exits.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "tests"), str(ROOT / "tests" / "service"), str(ROOT / "tests" / "llm")]

import httpx  # noqa: E402

from batchgen import make_batch, zip_files  # noqa: E402
from service_procs import Proc, RedisServer, command, free_port, service_env, wait_until  # noqa: E402

PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"



class Database:
    def __init__(self, kind: str, tmp: Path):
        self.kind = kind
        if kind == "sqlite":
            self.url = f"sqlite:///{tmp}/reviewer.sqlite3"
            return
        import psycopg

        self.name = f"reviewer_bench_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{self.name}"')
        self.url = f"postgresql://postgres@127.0.0.1:5432/{self.name}"

    def drop(self) -> None:
        if self.kind == "sqlite":
            return
        import psycopg

        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


def _worker(env: dict, tmp: Path, i: int, pool: str, concurrency: int) -> Proc:
    # the product's own command, as deployed: `reviewer worker --pool threads -c 8` for LLM batches
    argv = [sys.executable, "-m", "reviewer.cli", "worker", "--pool", pool, "--concurrency", str(concurrency),
            "--queues", "reviews" if i >= 0 else "webhooks", "--loglevel", "info", "--no-supervise"]
    # i < 0: the delivery pool (webhooks and the sweep) that `reviewer worker` runs beside the reviews
    return Proc(argv, env, tmp / f"worker{i}.log")


def run_once(mode: str, n_reports: int, db_kind: str, latency: float, limit: int, threads: int) -> dict:
    from reviewer.store.db import make_engine, migrate, session_scope
    from reviewer.store.tenants import create_api_key

    tmp = Path(tempfile.mkdtemp(prefix="batch-bench-"))
    redis = RedisServer(tmp)
    db = Database(db_kind, tmp)
    server = None
    procs: list[Proc] = []
    try:
        engine = make_engine(db.url)
        migrate(engine)
        with session_scope(engine) as s:
            key = create_api_key(s, "bench")["api_key"]
        engine.dispose()
        extra = {"REVIEWER_LLM_BASE_URL": "", "REVIEWER_LLM_API_KEY": ""}
        if mode == "llm":
            from fake_openai_server import FakeOpenAIServer, Hang

            server = FakeOpenAIServer(default=Hang(latency)).start()
            extra = {"REVIEWER_LLM_BASE_URL": server.base_url, "REVIEWER_LLM_API_KEY": "bench",
                     "REVIEWER_LLM_MODEL": "bench-model", "REVIEWER_LLM_TIMEOUT": str(latency * 10 + 10),
                     "REVIEWER_LLM_MAX_CONCURRENCY": str(threads),
                     "REVIEWER_LLM_SHARED_MAX_CONCURRENCY": str(limit)}
        env = service_env(db.url, redis.url, **extra)
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        procs.append(command("serve", "--port", str(port), "--log-level", "warning", env=env, log=tmp / "api.log"))
        if mode == "llm":
            procs += [_worker(env, tmp, i, "threads", threads) for i in range(2)]
        else:
            procs += [_worker(env, tmp, i, "prefork", 1) for i in range(2)]
        procs.append(_worker(env, tmp, -1, "threads", 4))

        def api_up() -> bool:
            try:
                return httpx.get(url + "/healthz", timeout=1).status_code == 200
            except httpx.HTTPError:
                return False

        wait_until(api_up, 60, what="API")
        # a running service is warm: time the batch, not the workers' start-up
        wait_until(lambda: all("ready." in p.text() for p in procs[1:]), 120, what="workers ready")
        agencies = n_reports // 2
        batch = make_batch(agencies, carry_breaks={3, agencies - 2}, copies={(10 % agencies, agencies - 1)}, seed=11)
        body = zip_files(batch.files)
        auth = {"Authorization": f"Bearer {key}"}
        t0 = time.monotonic()
        r = httpx.post(f"{url}/v1/batches", headers=auth, timeout=300, data={"deadline": "2099-01-31"},
                       files={"file": ("reports.zip", body, "application/zip")})
        r.raise_for_status()
        bid = r.json()["id"]
        accepted = time.monotonic() - t0
        reviews_done_at = None
        while True:
            st = httpx.get(f"{url}/v1/batches/{bid}", headers=auth, params={"items": "false"}, timeout=30).json()
            c = st["counts"]
            if reviews_done_at is None and c["queued"] == 0 and c["running"] == 0:
                reviews_done_at = time.monotonic() - t0
            if st["status"] == "done":
                break
            if time.monotonic() - t0 > 3600:
                raise RuntimeError("batch did not finish within an hour")
            time.sleep(0.5)
        makespan = time.monotonic() - t0
        t0_abs = time.monotonic() - makespan
        out = {"mode": mode, "reports": len(batch.files), "db": db_kind, "worker_processes": 2,
               "pool": f"threads×{threads}" if mode == "llm" else "prefork×1",
               "accepted_s": round(accepted, 2), "reviews_done_s": round(reviews_done_at, 2),
               "makespan_s": round(makespan, 2), "counts": st["counts"], "crosscheck": st["crosscheck"]}
        if mode == "llm":
            ideal = len(batch.files) * latency / limit
            starts = sorted(q["at"] - t0_abs for q in server.requests)
            out.update(latency_s=latency, limit=limit, ideal_s=ideal, ratio=round(makespan / ideal, 3),
                       llm_requests=len(server.requests), llm_max_in_flight=server.max_in_flight,
                       llm_first_request_s=round(starts[0], 2), llm_last_request_s=round(starts[-1], 2))
        return out
    finally:
        for p in procs:
            p.stop()
        if server is not None:
            server.stop()
        redis.stop()
        db.drop()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mode", choices=["deterministic", "llm", "both"], default="both")
    ap.add_argument("--reports", type=int, default=500)
    ap.add_argument("--db", choices=["postgresql", "sqlite"], default="postgresql")
    ap.add_argument("--latency", type=float, default=1.0)
    ap.add_argument("--limit", type=int, default=8)
    ap.add_argument("--threads", type=int, default=8, help="threads per worker process in llm mode")
    a = ap.parse_args()
    modes = ["deterministic", "llm"] if a.mode == "both" else [a.mode]
    for mode in modes:
        print(json.dumps(run_once(mode, a.reports, a.db, a.latency, a.limit, a.threads), ensure_ascii=False),
              flush=True)


if __name__ == "__main__":
    main()
