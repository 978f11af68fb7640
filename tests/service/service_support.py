"""Helpers shared by the service tests (imported by name: a module, not conftest, so that
several test folders can each have a conftest without shadowing one another)."""
from __future__ import annotations

import contextlib
import os
import uuid

import pytest

PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
# The shared Redis server; REVIEWER_TEST_REDIS points parallel test runs (several checkouts on one
# machine) at a server of their own, so their Celery queues never meet.
TEST_REDIS = os.environ.get("REVIEWER_TEST_REDIS", "redis://127.0.0.1:6379").rstrip("/")
SHARED_REDIS = f"{TEST_REDIS}/13"  # a DB of its own on the shared server


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



def redis_or_skip(url: str = SHARED_REDIS):
    """A client for DB 13 of the shared Redis, emptied; skips when Redis is down."""
    import redis

    client = redis.Redis.from_url(url, socket_connect_timeout=3)
    try:
        client.ping()
    except redis.ConnectionError as exc:
        pytest.skip(f"Redis not reachable on 127.0.0.1:6379 ({exc}); .ci/run starts it")
    client.flushdb()
    return client


def make_tenant(engine, name: str) -> dict:
    from reviewer.store.db import session_scope
    from reviewer.store.tenants import create_api_key

    with session_scope(engine) as s:
        return create_api_key(s, name)
