"""Why an LLM review failed: a stable code plus a Chinese-first message.

These never leave ``reviewer.llm``: ``review_narrative`` turns them into
``Review.llm.error`` and the deterministic review stands on its own.
"""

from __future__ import annotations

# Stable codes recorded in ``Review.llm.error.code`` (documented in README.md, 大模型审核).
TIMEOUT = "llm.timeout"
RATE_LIMITED = "llm.rate_limited"
SERVER_ERROR = "llm.server_error"
CONNECTION = "llm.connection"
INVALID_OUTPUT = "llm.invalid_output"
REJECTED = "llm.request_rejected"  # 4xx other than 429: bad key, unknown model, bad request
CONFIG = "llm.config"
INTERNAL = "llm.internal"

MESSAGES = {
    TIMEOUT: ("大模型服务响应超时", "the LLM endpoint timed out"),
    RATE_LIMITED: ("大模型服务限流（429），重试后仍未成功", "rate limited (429) after retries"),
    SERVER_ERROR: ("大模型服务端错误（5xx），重试后仍未成功", "server error (5xx) after retries"),
    CONNECTION: ("无法连接大模型服务", "could not connect to the LLM endpoint"),
    INVALID_OUTPUT: ("大模型输出不符合约定格式，修正一次后仍无效", "invalid structured output after one repair"),
    REJECTED: ("大模型服务拒绝了请求（请检查密钥、模型名称和地址）", "the LLM endpoint rejected the request"),
    CONFIG: ("大模型配置有误", "invalid LLM configuration"),
    INTERNAL: ("大模型审核内部错误", "internal error in the LLM review"),
}


class LLMError(Exception):
    def __init__(self, code: str, detail: str = ""):
        zh, en = MESSAGES.get(code, MESSAGES[INTERNAL])
        self.code = code
        self.message = f"{zh}（{en}{': ' + detail if detail else ''}）"
        super().__init__(self.message)
