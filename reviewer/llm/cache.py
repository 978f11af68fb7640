"""Answers already paid for: (narrative + table summary, prompt version, model) → output.

Redis when ``REVIEWER_REDIS_URL`` is explicitly configured (shared by all
workers), else a local SQLite file. A broken cache is logged and ignored: it
can cost an extra LLM call, never a review.
"""

from __future__ import annotations

import hashlib
import logging
import sqlite3
import time
from pathlib import Path

from reviewer.settings import Settings

log = logging.getLogger(__name__)
REDIS_PREFIX = "reviewer:llmcache:"


def cache_key(narrative: str, table_summary: str, prompt_id: str, model: str) -> str:
    digest = hashlib.sha256(f"{narrative}\x00{table_summary}".encode()).hexdigest()
    return hashlib.sha256(f"{digest}\x00{prompt_id}\x00{model}".encode()).hexdigest()


class SQLiteCache:
    def __init__(self, path: str, ttl: int):
        self.path = Path(path).expanduser()
        self.ttl = ttl

    def _connect(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(self.path, timeout=5)
        conn.execute("CREATE TABLE IF NOT EXISTS llm_cache (key TEXT PRIMARY KEY, value TEXT NOT NULL,"
                     " created REAL NOT NULL)")
        return conn

    def get(self, key: str) -> str | None:
        with self._connect() as conn:
            row = conn.execute("SELECT value, created FROM llm_cache WHERE key = ?", (key,)).fetchone()
        if row and time.time() - row[1] <= self.ttl:
            return row[0]
        return None

    def set(self, key: str, value: str) -> None:
        with self._connect() as conn:
            conn.execute("INSERT OR REPLACE INTO llm_cache (key, value, created) VALUES (?, ?, ?)",
                         (key, value, time.time()))


class RedisCache:
    def __init__(self, url: str, ttl: int):
        import redis

        self.client = redis.Redis.from_url(url, socket_timeout=5, socket_connect_timeout=5)
        self.ttl = ttl

    def get(self, key: str) -> str | None:
        raw = self.client.get(REDIS_PREFIX + key)
        return raw.decode() if raw is not None else None

    def set(self, key: str, value: str) -> None:
        self.client.set(REDIS_PREFIX + key, value, ex=self.ttl)


def open_cache(settings: Settings) -> SQLiteCache | RedisCache:
    # pydantic-settings marks a field as set only when the environment gave it
    if "redis_url" in settings.model_fields_set:
        return RedisCache(settings.redis_url, settings.llm_cache_ttl)
    return SQLiteCache(settings.llm_cache_path, settings.llm_cache_ttl)


def cache_get(cache, key: str) -> str | None:
    try:
        return cache.get(key)
    except Exception as exc:  # noqa: BLE001 - a cache outage must not fail the review
        log.warning("llm cache read failed: %s", exc)
        return None


def cache_set(cache, key: str, value: str) -> None:
    try:
        cache.set(key, value)
    except Exception as exc:  # noqa: BLE001
        log.warning("llm cache write failed: %s", exc)
