"""Settings from the environment (prefix ``REVIEWER_``), shared by CLI, API and workers."""

from __future__ import annotations

from functools import lru_cache

from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="REVIEWER_", extra="ignore")

    # --- LLM (issue 3) ---
    llm_base_url: str | None = None
    llm_model: str = "gpt-4o-mini"
    llm_api_key: str | None = None
    llm_timeout: float = 60.0  # seconds
    llm_max_concurrency: int = 4
    llm_max_retries: int = 3
    # structured-output method per endpoint: auto | json_schema | function_calling | json_mode
    llm_structured_method: str = "auto"

    # --- service (issue 4) ---
    redis_url: str = "redis://127.0.0.1:6379/0"
    database_url: str = "sqlite:///var/reviewer.sqlite3"
    webhook_allowlist: str = ""  # comma-separated hosts or CIDRs exempt from the SSRF guard
    max_upload_bytes: int = 20 * 1024 * 1024

    # --- input limits (ingest) ---
    max_input_bytes: int = 20 * 1024 * 1024

    @property
    def llm_enabled(self) -> bool:
        return bool(self.llm_base_url or self.llm_api_key)


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
