"""One structured call to any OpenAI-compatible endpoint, with explicit retries.

The transport is langchain-openai's ``ChatOpenAI`` (openai SDK underneath) with
the SDK's own retries off (``max_retries=0``), so every retry, wait and error
code here is ours and testable. Whatever the server returns is validated with
pydantic; invalid output is re-asked once with the validation error.
"""

from __future__ import annotations

import email.utils
import json
import logging
import random
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import urlparse

import openai
from pydantic import ValidationError

from reviewer.llm import errors
from reviewer.llm.ratelimit import llm_slot
from reviewer.llm.schema import SCHEMA_DESCRIPTION, SCHEMA_NAME, NarrativeOutput, output_json_schema
from reviewer.settings import Settings

log = logging.getLogger(__name__)
METHODS = ("json_schema", "function_calling", "json_mode")

_semaphores: dict[int, threading.BoundedSemaphore] = {}
_sem_lock = threading.Lock()


def _semaphore(limit: int) -> threading.BoundedSemaphore:
    """Per-process cap on concurrent LLM requests (shared by threads of a worker)."""
    with _sem_lock:
        return _semaphores.setdefault(limit, threading.BoundedSemaphore(max(1, limit)))


def _estimate_tokens(messages: list) -> int:
    """Prompt size plus room for the answer, reserved against a tokens-per-minute limit."""
    from reviewer.llm.tokens import approx_tokens

    return sum(approx_tokens(str(getattr(m, "content", m))) for m in messages) + 1000


def _used_tokens(result) -> int | None:
    usage = getattr(result.get("raw"), "usage_metadata", None) or {}
    total = int(usage.get("input_tokens") or 0) + int(usage.get("output_tokens") or 0)
    return total or None


def choose_method(settings: Settings) -> str:
    """Structured-output method for the endpoint (providers differ, see README.md, 大模型审核)."""
    method = settings.llm_structured_method.strip().lower()
    if method in METHODS:
        return method
    if method != "auto":
        raise errors.LLMError(errors.CONFIG, f"REVIEWER_LLM_STRUCTURED_METHOD={method!r}; "
                              f"expected auto|{'|'.join(METHODS)}")
    host = (urlparse(settings.llm_base_url or "https://api.openai.com/v1").hostname or "").lower()
    model = settings.llm_model.lower()
    if "deepseek" in host or model.startswith("deepseek"):
        return "json_mode"  # DeepSeek rejects response_format json_schema
    if "dashscope" in host or "aliyuncs" in host or model.startswith(("qwen", "qwq")):
        return "json_mode"  # DashScope's JSON mode is the portable choice (needs “JSON” in the prompt)
    return "json_schema"  # OpenAI, vLLM (guided decoding), Ollama ≥ 0.5


@dataclass
class CallResult:
    output: NarrativeOutput
    method: str
    calls: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    notes: list[str] = field(default_factory=list)


def _runnable(settings: Settings, method: str):
    from langchain_openai import ChatOpenAI

    kwargs = {}
    if settings.llm_send_temperature:
        kwargs["temperature"] = settings.llm_temperature
    llm = ChatOpenAI(
        model=settings.llm_model,
        base_url=settings.llm_base_url,
        api_key=settings.llm_api_key or "not-needed",  # local servers ignore the key
        timeout=settings.llm_timeout,
        max_retries=0,  # retries are ours (explicit, Retry-After aware)
        use_responses_api=False,  # compatible providers speak chat completions only
        **kwargs,
    )
    schema = output_json_schema()
    if method == "json_schema":
        spec = {"name": SCHEMA_NAME, "description": SCHEMA_DESCRIPTION, "schema": schema, "strict": True}
    elif method == "function_calling":
        spec = {"type": "function",
                "function": {"name": SCHEMA_NAME, "description": SCHEMA_DESCRIPTION, "parameters": schema}}
    else:
        spec = None
    return llm.with_structured_output(spec, method=method, include_raw=True)


def _retry_after(exc: openai.APIStatusError) -> float | None:
    headers = exc.response.headers if exc.response is not None else {}
    if ms := headers.get("retry-after-ms"):
        try:
            return float(ms) / 1000
        except ValueError:
            pass
    value = headers.get("retry-after")
    if not value:
        return None
    try:
        return float(value)
    except ValueError:
        when = email.utils.parsedate_to_datetime(value)
        return max(0.0, when.timestamp() - time.time()) if when else None


def _classify(exc: Exception) -> tuple[str, bool, float | None]:
    """(error code, retryable, server-requested wait)."""
    if isinstance(exc, openai.RateLimitError):
        return errors.RATE_LIMITED, True, _retry_after(exc)
    if isinstance(exc, openai.APITimeoutError):
        return errors.TIMEOUT, True, None
    if isinstance(exc, openai.APIConnectionError):
        return errors.CONNECTION, True, None
    if isinstance(exc, openai.APIStatusError):
        if exc.status_code >= 500:
            return errors.SERVER_ERROR, True, _retry_after(exc)
        return errors.REJECTED, False, None
    return errors.SERVER_ERROR, False, None


def _raw_text(raw) -> str:
    """What the model actually said (content or tool arguments), for the repair prompt."""
    if raw is None:
        return ""
    calls = (getattr(raw, "additional_kwargs", None) or {}).get("tool_calls") or []
    if calls:
        return str(calls[0].get("function", {}).get("arguments", ""))
    content = raw.content
    return content if isinstance(content, str) else json.dumps(content, ensure_ascii=False)


def _validate(result: dict) -> tuple[NarrativeOutput | None, str]:
    if result.get("parsing_error") is not None:
        return None, f"不是有效的 JSON：{result['parsing_error']}"[:800]
    parsed = result.get("parsed")
    if parsed is None:
        return None, "没有返回 JSON 对象"
    try:
        return NarrativeOutput.model_validate(parsed), ""
    except ValidationError as exc:
        return None, f"不符合输出格式：{exc}"[:1500]


class StructuredCaller:
    """Sends the messages; retries transient failures; repairs invalid output once."""

    def __init__(self, settings: Settings, sleep=time.sleep):
        self.settings = settings
        self.sleep = sleep
        self.auto = settings.llm_structured_method.strip().lower() == "auto"
        self.method = choose_method(settings)
        self.result = CallResult(output=NarrativeOutput(claims=[], findings=[]), method=self.method)

    def _wait(self, attempt: int, server_wait: float | None) -> float:
        s = self.settings
        if server_wait is not None:  # honour Retry-After, within our cap
            return min(server_wait, s.llm_backoff_max)
        return min(s.llm_backoff_max, s.llm_backoff_base * 2 ** (attempt - 1) * random.uniform(0.5, 1.0))

    def call(self, messages: list) -> CallResult:
        from langchain_core.messages import AIMessage, HumanMessage

        res = self.result = CallResult(output=NarrativeOutput(claims=[], findings=[]), method=self.method)
        runnable = _runnable(self.settings, self.method)
        failures = 0
        repaired = fell_back = False
        while True:
            res.calls += 1
            try:
                # the per-process cap, then the limit shared by all workers (reviewer/llm/ratelimit.py)
                with _semaphore(self.settings.llm_max_concurrency), \
                        llm_slot(self.settings, _estimate_tokens(messages)) as slot:
                    result = runnable.invoke(messages)
                    slot["tokens"] = _used_tokens(result)
            except Exception as exc:  # noqa: BLE001 - classified below, never escapes unclassified
                code, retryable, server_wait = _classify(exc)
                if code == errors.REJECTED and self.auto and not fell_back and self.method != "json_mode" \
                        and isinstance(exc, openai.BadRequestError):
                    # the endpoint refuses this structured-output method: JSON mode works almost everywhere
                    fell_back = True
                    res.notes.append(f"{self.method} rejected, fell back to json_mode")
                    log.info("llm: %s rejected (%s); falling back to json_mode", self.method, exc)
                    self.method = res.method = "json_mode"
                    runnable = _runnable(self.settings, self.method)
                    messages = _with_schema_hint(messages)
                    continue
                failures += 1
                if not retryable or failures > self.settings.llm_max_retries:
                    detail = f"HTTP {exc.status_code}" if isinstance(exc, openai.APIStatusError) else type(exc).__name__
                    raise errors.LLMError(code, f"{detail}; {res.calls} requests") from exc
                wait = self._wait(failures, server_wait)
                log.info("llm: %s (%s), retry %d in %.2fs", code, type(exc).__name__, failures, wait)
                self.sleep(wait)
                continue
            usage = getattr(result.get("raw"), "usage_metadata", None) or {}
            res.prompt_tokens += int(usage.get("input_tokens") or 0)
            res.completion_tokens += int(usage.get("output_tokens") or 0)
            output, problem = _validate(result)
            if output is not None:
                res.output = output
                return res
            if repaired:
                raise errors.LLMError(errors.INVALID_OUTPUT, problem[:200])
            repaired = True
            log.info("llm: invalid output, asking once more: %s", problem[:200])
            messages = [*messages, AIMessage(content=_raw_text(result.get("raw"))[:4000]),
                        HumanMessage(content=f"你上一次的输出无效：{problem}\n"
                                             "请改正后重新输出，只输出一个符合要求的 JSON 对象。")]


def schema_hint(method: str) -> str:
    """JSON mode enforces no schema, so the prompt must carry it."""
    if method != "json_mode":
        return ""
    return "输出的 JSON 必须符合以下 JSON Schema：" + json.dumps(output_json_schema(), ensure_ascii=False,
                                                          separators=(",", ":"))


def _with_schema_hint(messages: list) -> list:
    from langchain_core.messages import SystemMessage

    hint = schema_hint("json_mode")
    if any(hint in str(m.content) for m in messages):
        return messages
    first = messages[0]
    return [SystemMessage(content=f"{first.content}\n{hint}"), *messages[1:]]
