"""Fixtures: a scripted OpenAI-compatible server on loopback and the env that points at it."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # redis_db.py

from fake_openai_server import FakeOpenAIServer  # noqa: E402

from reviewer.settings import get_settings  # noqa: E402

SAMPLE = Path(__file__).resolve().parents[2] / "examples" / "wuhai-gxj-2023.txt"


@pytest.fixture
def llm_server():
    server = FakeOpenAIServer().start()
    yield server
    server.stop()


@pytest.fixture
def llm_env(monkeypatch, tmp_path, llm_server):
    """Settings for fast tests: 1 s timeout, tiny backoff, a private SQLite cache, no Redis."""
    for key, value in {
        "REVIEWER_LLM_BASE_URL": llm_server.base_url,
        "REVIEWER_LLM_API_KEY": "test",
        "REVIEWER_LLM_MODEL": "test-model",
        "REVIEWER_LLM_TIMEOUT": "1",
        "REVIEWER_LLM_MAX_RETRIES": "2",
        "REVIEWER_LLM_BACKOFF_BASE": "0.05",
        "REVIEWER_LLM_BACKOFF_MAX": "2",
        "REVIEWER_LLM_CACHE_PATH": str(tmp_path / "llm-cache.sqlite3"),
        "REVIEWER_LLM_STRUCTURED_METHOD": "auto",
    }.items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("REVIEWER_REDIS_URL", raising=False)
    get_settings.cache_clear()
    yield llm_server
    get_settings.cache_clear()
