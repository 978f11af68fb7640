"""Fixtures for the service tests: throwaway PostgreSQL databases, SQLite files,
a Redis DB on the shared server, tenants with API keys."""

from __future__ import annotations

import pytest

from service_support import pg_database


@pytest.fixture
def pg_url():
    with pg_database() as url:
        yield url


@pytest.fixture
def sqlite_url(tmp_path):
    return f"sqlite:///{tmp_path}/reviewer.sqlite3"


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path}/reviewer.sqlite3"
    return request.getfixturevalue("pg_url")


@pytest.fixture
def engine(db_url):
    from reviewer.store.db import make_engine, migrate

    eng = make_engine(db_url)
    migrate(eng)
    yield eng
    eng.dispose()
