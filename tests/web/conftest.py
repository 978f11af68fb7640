"""The web tests run against real processes: a private redis-server, the API (uvicorn) and a
Celery worker, on a migrated SQLite store with two tenants (A and B)."""

from __future__ import annotations

import contextlib
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "service"))  # service_procs
sys.path.insert(0, str(HERE.parent))  # reportgen, batchgen

from service_procs import RedisServer, Service, service_env  # noqa: E402

ROOT = HERE.parents[1]
SAMPLE = ROOT / "examples" / "wuhai-gxj-2023.txt"


@pytest.fixture(scope="session")
def artifacts() -> Path:
    out = ROOT / "test-artifacts"
    out.mkdir(exist_ok=True)
    return out


@contextlib.contextmanager
def running_service(tmp: Path, db_url: str, secret: str):
    """A private redis-server, the API and a Celery worker on the migrated store at ``db_url``:
    (service, env, engine)."""
    from reviewer.store.db import make_engine, migrate

    redis = RedisServer(tmp)
    engine = make_engine(db_url)
    migrate(engine)
    env = service_env(db_url, redis.url, REVIEWER_LLM_BASE_URL="", REVIEWER_LLM_API_KEY="",
                      REVIEWER_WEB_SESSION_SECRET=secret + "x" * 32)
    try:
        svc = Service(env, tmp, concurrency=2)
    except BaseException:
        redis.stop()
        raise
    try:
        yield svc, env, engine
    finally:
        svc.stop()
        redis.stop()
        engine.dispose()


@pytest.fixture(scope="session")
def web_stack(tmp_path_factory):
    """(service, tenant A, tenant B) — the same processes for every web test."""
    from reviewer.store.db import session_scope
    from reviewer.store.tenants import create_api_key

    tmp = tmp_path_factory.mktemp("web")
    with running_service(tmp, f"sqlite:///{tmp}/reviewer.sqlite3", "web-test-secret-") as (svc, _env, engine):
        with session_scope(engine) as s:
            a = create_api_key(s, "乌海市政务公开办")
            b = create_api_key(s, "包头市政务公开办")
        yield svc, a, b, engine


@pytest.fixture(scope="session")
def pg_web_stack(tmp_path_factory):
    """(service, env, engine) on PostgreSQL (issue 16). Tests using it each work in a tenant of their own."""
    from service_support import pg_database

    tmp = tmp_path_factory.mktemp("pgweb")
    with pg_database() as db_url, running_service(tmp, db_url, "pg-web-test-secret-") as stack:
        yield stack


def reviewer_cli(env: dict, *args: str):
    """``python -m reviewer …`` with the service's environment (its store)."""
    import subprocess

    return subprocess.run([sys.executable, "-m", "reviewer", *args], env=env, capture_output=True, text=True,
                          timeout=120)
