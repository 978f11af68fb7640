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
    # shared by every worker through Redis (issue 5); 0 = no limit
    llm_shared_max_concurrency: int = 0  # requests in flight across all workers
    llm_rpm: int = 0  # requests per minute
    llm_tpm: int = 0  # tokens per minute (prompt + completion)
    llm_max_retries: int = 3
    # structured-output method per endpoint: auto | json_schema | function_calling | json_mode
    llm_structured_method: str = "auto"
    llm_temperature: float = 0.0
    llm_send_temperature: bool = True  # false for reasoning models that reject the parameter
    llm_backoff_base: float = 1.0  # seconds; doubled per retry (with jitter)
    llm_backoff_max: float = 30.0  # cap on one wait, including a server's Retry-After
    llm_prompt_version: str = "v2"  # prompts/narrative/<version>/
    llm_prompts_dir: str | None = None  # default: the repository's prompts/
    llm_cache_path: str = "~/.cache/reviewer/llm-cache.sqlite3"  # used unless REVIEWER_REDIS_URL is set
    llm_cache_ttl: int = 30 * 24 * 3600  # seconds
    llm_full_narrative: bool = False  # True: send every narrative sentence, not only salient ones

    # --- service (issue 4) ---
    redis_url: str = "redis://127.0.0.1:6379/0"
    database_url: str = "sqlite:///var/reviewer.sqlite3"
    webhook_allowlist: str = ""  # comma-separated hosts or CIDRs exempt from the SSRF guard
    max_upload_bytes: int = 20 * 1024 * 1024
    api_url: str = "http://127.0.0.1:8000"  # where `reviewer submit` sends drafts
    api_key: str | None = None  # bearer key for `reviewer submit`
    stream_key: str = "reviewer:results"  # Redis Stream of finished reviews
    stream_maxlen: int = 100_000  # approximate cap on stream length
    review_time_limit: int = 900  # seconds; a review task is killed after this
    review_soft_time_limit: int | None = None  # seconds; default 30 s before the hard limit; 0 = none
    visibility_timeout: int = 3600  # seconds; must exceed review_time_limit
    stuck_after_seconds: float = 300.0  # queued longer than this is re-queued by the sweep (running: time limit + 60 s)
    sweep_interval_seconds: float = 30.0  # how often beat runs the sweep
    webhook_timeout: float = 10.0  # seconds for each connect, read or write of a delivery attempt
    webhook_deadline: float = 30.0  # seconds for a whole delivery attempt (issue 17: slow receivers)
    webhook_backoff_base: float = 5.0  # first retry delay, doubled per attempt (jitter adds up to 50 %)
    webhook_backoff_max: float = 3 * 3600.0  # cap on a single retry delay
    webhook_retry_window: float = 26 * 3600.0  # keep retrying this long (>= 24 h)

    # --- input limits (ingest) ---
    max_input_bytes: int = 20 * 1024 * 1024
    # what one parsed draft may hold (issue 11; docs/hardening.md): beyond, input.too_large
    max_paragraphs: int = 20_000  # non-table blocks (lines of a .txt)
    max_table_cells: int = 50_000
    max_numbers: int = 100_000  # digit runs anywhere in the text
    # --- hardening (issue 11) ---
    review_memory_limit_mb: int = 4096  # address space (not resident memory) of a worker pool process, RLIMIT_AS; 0 = none
    db_pool_size: int = 10  # API connections to PostgreSQL kept open
    db_max_overflow: int = 10  # extra connections under bursts
    db_pool_timeout: float = 5.0  # seconds to wait for a connection before answering 503
    submit_rate_per_minute: int = 600  # submissions per tenant per minute (Redis-shared); 0 = no limit
    submit_burst: int = 100  # submissions a tenant may send at once above the steady rate
    admin_api_key: str | None = None  # bearer key of the admin API (/v1/admin); unset = admin API off
    # --- slow and large requests (issue 17; docs/hardening.md) ---
    max_concurrent_uploads: int = 4  # large uploads one API process reads at once; beyond: 503; 0 = no limit
    large_upload_bytes: int = 8 * 1024 * 1024  # an upload this big (or of unknown size) counts as large
    header_timeout: float = 10.0  # seconds to receive a request's headers; then the connection is closed
    body_timeout: float = 60.0  # grace for a request body; after it, the body must average body_min_rate (else 408)
    body_min_rate: int = 50_000  # bytes per second a request body must keep up after body_timeout
    annotate_wait: float = 20.0  # seconds a download waits for the worker's annotated draft before 202 + Retry-After

    @property
    def llm_enabled(self) -> bool:
        return bool(self.llm_base_url or self.llm_api_key)


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
