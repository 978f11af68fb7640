"""The web tests run against real processes: a private redis-server, the API (uvicorn) and a
Celery worker, on a migrated SQLite store with two tenants (A and B)."""

from __future__ import annotations

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


@pytest.fixture(scope="session")
def web_stack(tmp_path_factory):
    """(service, tenant A, tenant B) — the same processes for every web test."""
    from reviewer.store.db import make_engine, migrate, session_scope
    from reviewer.store.tenants import create_api_key

    tmp = tmp_path_factory.mktemp("web")
    redis = RedisServer(tmp)
    db_url = f"sqlite:///{tmp}/reviewer.sqlite3"
    engine = make_engine(db_url)
    migrate(engine)
    with session_scope(engine) as s:
        a = create_api_key(s, "乌海市政务公开办")
        b = create_api_key(s, "包头市政务公开办")
    env = service_env(db_url, redis.url, REVIEWER_LLM_BASE_URL="", REVIEWER_LLM_API_KEY="",
                      REVIEWER_WEB_SESSION_SECRET="web-test-secret-" + "x" * 32)
    try:
        svc = Service(env, tmp, concurrency=2)
    except BaseException:
        redis.stop()
        raise
    try:
        yield svc, a, b, engine
    finally:
        svc.stop()
        redis.stop()
        engine.dispose()


@pytest.fixture(scope="session")
def pg_web_stack(tmp_path_factory):
    """(service, env, engine) on PostgreSQL (issue 16): a private redis-server, the API and a worker.
    Tests using it each work in a tenant of their own."""
    from service_support import pg_database

    from reviewer.store.db import make_engine, migrate

    tmp = tmp_path_factory.mktemp("pgweb")
    redis = RedisServer(tmp)
    with pg_database() as db_url:
        engine = make_engine(db_url)
        migrate(engine)
        env = service_env(db_url, redis.url, REVIEWER_LLM_BASE_URL="", REVIEWER_LLM_API_KEY="",
                          REVIEWER_WEB_SESSION_SECRET="pg-web-test-secret-" + "y" * 32)
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


def reviewer_cli(env: dict, *args: str):
    """``python -m reviewer …`` with the service's environment (its store)."""
    import subprocess

    return subprocess.run([sys.executable, "-m", "reviewer", *args], env=env, capture_output=True, text=True,
                          timeout=120)
