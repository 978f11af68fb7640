"""Helpers shared by the service tests (imported by name: a module, not conftest, so that
several test folders can each have a conftest without shadowing one another)."""
from __future__ import annotations

import contextlib
import sys
import uuid
from pathlib import Path

import pytest

PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
# The shared Redis server (REVIEWER_TEST_REDIS). The tests that use it get a database this test run
# has claimed (tests/redis_db.py), so two runs on one server never empty or read each other's.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from redis_db import TEST_REDIS, claimed_client, claimed_url  # noqa: E402


def _shared_url() -> str:
    try:
        return claimed_url("service")
    except Exception:  # server down or no database free: redis_or_skip() skips the tests that need it
        return f"{TEST_REDIS}/15"


SHARED_REDIS = _shared_url()


def _pg_admin():
    import psycopg

    try:
        return psycopg.connect(PG_ADMIN, autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as exc:
        pytest.skip(f"PostgreSQL not reachable on 127.0.0.1:5432 ({exc}); .ci/run starts it")


@contextlib.contextmanager
def pg_database():
    """A fresh PostgreSQL database (its URL), dropped afterwards."""
    name = f"reviewer_test_{uuid.uuid4().hex[:10]}"
    with _pg_admin() as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"postgresql://postgres@127.0.0.1:5432/{name}"
    finally:
        from reviewer.store.db import get_engine

        get_engine.cache_clear()
        with _pg_admin() as conn:  # FORCE ends any connection a test left open
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')



def redis_or_skip():
    """A client for this run's claimed database of the shared Redis (SHARED_REDIS), emptied;
    skips when Redis is down."""
    return claimed_client("service")


def make_tenant(engine, name: str) -> dict:
    from reviewer.store.db import session_scope
    from reviewer.store.tenants import create_api_key

    with session_scope(engine) as s:
        return create_api_key(s, name)


@contextlib.contextmanager
def running_service(tmp_dir):
    """uvicorn + worker processes on a fresh PostgreSQL database and this run's Redis database, with
    tenants ``a`` (甲单位) and ``b`` (乙单位); stopped and cleaned up afterwards."""
    from redis_db import clear_own
    from service_procs import Service, service_env

    from reviewer.store.db import make_engine, migrate

    client = redis_or_skip()
    with pg_database() as db_url:
        engine = make_engine(db_url)
        migrate(engine)
        service = Service(service_env(db_url, SHARED_REDIS), tmp_dir)
        service.engine, service.redis = engine, client
        service.a = make_tenant(engine, "甲单位")
        service.b = make_tenant(engine, "乙单位")
        try:
            yield service
        finally:
            service.stop()
            engine.dispose()
            clear_own(client)  # this run's claimed database (tests/redis_db.py)
            client.close()
