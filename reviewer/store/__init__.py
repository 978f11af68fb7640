"""Durable state of the service: SQLite by default, PostgreSQL by REVIEWER_DATABASE_URL."""

from reviewer.store.db import get_engine, make_engine, migrate, session_scope, utcnow

__all__ = ["get_engine", "make_engine", "migrate", "session_scope", "utcnow"]
