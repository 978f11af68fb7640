"""Engines, sessions and programmatic migrations for the store.

SQLite (the default) gets WAL mode and a busy timeout so the API and several
worker processes can write to one file; PostgreSQL is used as is.
"""

from __future__ import annotations

import contextlib
import fcntl
from collections.abc import Iterator
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import NullPool

_MIGRATIONS = Path(__file__).with_name("migrations")
_PG_LOCK_ID = 0x7265766965  # advisory lock so concurrent starters migrate one at a time


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def normalise_url(url: str) -> str:
    """Accept plain ``postgresql://`` URLs and use psycopg 3 for them."""
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA wal_autocheckpoint=10000")  # checkpoints (with fsync) every ~40 MB, not ~4 MB: 2x throughput
    cur.execute("PRAGMA foreign_keys=ON")
    cur.close()


def make_engine(url: str) -> Engine:
    url = normalise_url(url)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    from reviewer.settings import get_settings

    s = get_settings()  # a request that waits pool_timeout for a connection is answered 503 by the API
    return create_engine(url, pool_pre_ping=True, pool_size=s.db_pool_size, max_overflow=s.db_max_overflow,
                         pool_timeout=s.db_pool_timeout)


@lru_cache(maxsize=8)
def get_engine(url: str | None = None) -> Engine:
    if url is None:
        from reviewer.settings import get_settings

        url = get_settings().database_url
    return make_engine(url)


@lru_cache(maxsize=8)
def _session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


@contextlib.contextmanager
def session_scope(engine: Engine | None = None) -> Iterator[Session]:
    """A session that commits on success and rolls back on error."""
    session = _session_factory(engine or get_engine())()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


@contextlib.contextmanager
def _migration_lock(engine: Engine) -> Iterator[None]:
    if engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": _PG_LOCK_ID})
            try:
                yield
            finally:
                conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": _PG_LOCK_ID})
                conn.commit()
        return
    db = engine.url.database
    lock_path = Path(f"{db}.migrate.lock") if db and db != ":memory:" else None
    if lock_path is None:
        yield
        return
    with open(lock_path, "a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def alembic_config(connection=None):
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(_MIGRATIONS))
    cfg.attributes["connection"] = connection
    return cfg


def migrate(engine: Engine | None = None) -> None:
    """Bring the schema to the newest revision (safe to call from many processes)."""
    from alembic import command

    engine = engine or get_engine()
    # The lock and the upgrade take two connections at once: on PostgreSQL they come from an unpooled
    # engine of their own, so a small API pool (REVIEWER_DB_POOL_SIZE=1) cannot deadlock the start.
    own = engine.dialect.name == "postgresql"
    mig = create_engine(engine.url, poolclass=NullPool) if own else engine
    try:
        with _migration_lock(mig), mig.begin() as conn:
            command.upgrade(alembic_config(conn), "head")
    finally:
        if own:
            mig.dispose()
