"""An OpenAI-compatible chat-completions server on loopback, scripted per test.

It speaks the real wire protocol over HTTP (``POST /v1/chat/completions``,
non-streaming), validates requests the way real servers do (400 for a missing
model/messages, an unknown tool in ``tool_choice``, a malformed
``response_format``), and shapes a scripted answer by what the request asked
for: ``tool_calls`` when a function is forced via ``tools``/``tool_choice``,
otherwise JSON in ``message.content`` (``json_schema`` / ``json_object``).
``usage`` is counted with ``reviewer.llm.tokens.approx_tokens`` over the
messages plus tool/schema definitions, as servers count them.

Profiles imitate provider quirks: ``deepseek`` rejects ``json_schema``;
``dashscope`` rejects JSON mode when no message contains the word “json”.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from reviewer.llm.tokens import approx_tokens


@dataclass
class Answer:
    """A well-formed structured answer (dict), shaped to the request's method."""
    payload: dict


@dataclass
class Raw:
    """Exactly this text as the content (or as the tool-call arguments)."""
    text: str


@dataclass
class Status:
    code: int
    headers: dict = field(default_factory=dict)
    message: str = "scripted error"


@dataclass
class Hang:
    """Accept the request, then say nothing for ``seconds`` (or until the server stops)."""
    seconds: float


Step = Answer | Raw | Status | Hang


def _error(code: int, message: str, kind: str = "invalid_request_error") -> tuple[int, dict, dict]:
    return code, {}, {"error": {"message": message, "type": kind, "param": None, "code": None}}


class FakeOpenAIServer:
    def __init__(self, profile: str = "openai", default: Step | None = None):
        self.profile = profile
        self.default = default  # used when the script is exhausted; None → 500
        self.steps: deque[Step] = deque()
        self.requests: list[dict] = []
        self.in_flight = 0
        self.max_in_flight = 0  # highest number of requests being answered at once
        self.stopping = threading.Event()
        self._lock = threading.Lock()
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # --- control -----------------------------------------------------------
    def script(self, *steps: Step) -> "FakeOpenAIServer":
        self.steps.extend(steps)
        return self

    @property
    def base_url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}/v1"

    def start(self) -> "FakeOpenAIServer":
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # keep test output clean
                pass

            def do_GET(self):
                if self.path.rstrip("/") == "/v1/models":
                    return self._send(200, {}, {"object": "list", "data": [{"id": "fake", "object": "model"}]})
                self._send(*_error(404, "not found"))

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                if self.path.rstrip("/") != "/v1/chat/completions":
                    return self._send(*_error(404, f"unknown path {self.path}"))
                try:
                    body = json.loads(raw)
                except ValueError:
                    return self._send(*_error(400, "request body is not JSON"))
                server._record(body, dict(self.headers))
                try:
                    code, headers, payload = server._respond(body)
                finally:
                    server._done()
                self._send(code, headers, payload)

            def _send(self, code, headers, payload):
                data = json.dumps(payload, ensure_ascii=False).encode()
                try:
                    self.send_response(code)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    for k, v in headers.items():
                        self.send_header(k, v)
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (timeout) — as with a real server

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05},
                                        daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self.stopping.set()
        if self._httpd:
            self._httpd.shutdown()
            self._httpd.server_close()
        if self._thread:
            self._thread.join(timeout=5)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    # --- protocol ----------------------------------------------------------
    def _record(self, body: dict, headers: dict) -> None:
        with self._lock:
            self.requests.append({"body": body, "headers": headers, "at": time.monotonic()})
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)

    def _done(self) -> None:
        with self._lock:
            self.in_flight -= 1

    def user_message(self, i: int = -1) -> str:
        """The last user message of request ``i`` (where the draft is)."""
        msgs = self.requests[i]["body"]["messages"]
        return next(m["content"] for m in reversed(msgs) if m["role"] == "user")

    def _next(self) -> Step | None:
        with self._lock:
            return self.steps.popleft() if self.steps else self.default

    def _respond(self, body: dict) -> tuple[int, dict, dict]:
        problem = self._invalid(body)
        if problem:
            return problem
        step = self._next()
        if step is None:
            return _error(500, "script exhausted", "server_error")
        if isinstance(step, Status):
            kind = "rate_limit_error" if step.code == 429 else "server_error"
            code, _, payload = _error(step.code, step.message, kind)
            return code, dict(step.headers), payload
        if isinstance(step, Hang):
            deadline = time.monotonic() + step.seconds
            while time.monotonic() < deadline and not self.stopping.is_set():
                time.sleep(0.02)
            step = Answer({"claims": [], "findings": []})
        text = step.text if isinstance(step, Raw) else json.dumps(step.payload, ensure_ascii=False)
        return 200, {}, self._completion(body, text)

    def _invalid(self, body: dict) -> tuple[int, dict, dict] | None:
        messages = body.get("messages")
        if not body.get("model"):
            return _error(400, "you must provide a model parameter")
        if not isinstance(messages, list) or not messages or any("role" not in m for m in messages):
            return _error(400, "'messages' must be a non-empty list of messages with a role")
        tools = body.get("tools") or []
        names = {t.get("function", {}).get("name") for t in tools}
        choice = body.get("tool_choice")
        if isinstance(choice, dict) and choice.get("function", {}).get("name") not in names:
            return _error(400, "tool_choice names a function that is not in tools")
        fmt = body.get("response_format") or {}
        kind = fmt.get("type")
        if kind not in (None, "text", "json_object", "json_schema"):
            return _error(400, f"Invalid value for response_format.type: {kind!r}")
        if kind == "json_schema":
            spec = fmt.get("json_schema") or {}
            if not spec.get("name") or not isinstance(spec.get("schema"), dict):
                return _error(400, "response_format.json_schema requires name and schema")
            if self.profile == "deepseek":
                return _error(400, "This response_format type is unavailable now")
        if kind == "json_object" and self.profile in ("dashscope", "deepseek"):
            text = json.dumps(messages, ensure_ascii=False).lower()
            if "json" not in text:
                return _error(400, "'messages' must contain the word 'json' in some form, to use "
                                   "'response_format' of type 'json_object'.")
        return None

    def _forced_tool(self, body: dict) -> str | None:
        tools = body.get("tools") or []
        choice = body.get("tool_choice")
        if isinstance(choice, dict):
            return choice["function"]["name"]
        if tools and choice in ("required", "auto", None):
            return tools[0]["function"]["name"]
        return None

    def _completion(self, body: dict, text: str) -> dict[str, Any]:
        tool = self._forced_tool(body)
        if tool:
            message = {"role": "assistant", "content": None, "tool_calls": [
                {"id": f"call_{uuid.uuid4().hex[:12]}", "type": "function",
                 "function": {"name": tool, "arguments": text}}]}
            finish = "tool_calls"
        else:
            message = {"role": "assistant", "content": text}
            finish = "stop"
        # like real tokenizers: message contents plus a few tokens of framing each,
        # plus the tool / schema definitions the server injects
        prompt_tokens = sum(approx_tokens(str(m.get("content") or "")) + 4 for m in body["messages"])
        for extra in (body.get("tools"), body.get("response_format")):
            if extra:
                prompt_tokens += approx_tokens(json.dumps(extra, ensure_ascii=False, separators=(",", ":")))
        completion_tokens = approx_tokens(text)
        return {
            "id": f"chatcmpl-{uuid.uuid4().hex[:16]}",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": body["model"],
            "choices": [{"index": 0, "message": message, "finish_reason": finish, "logprobs": None}],
            "usage": {"prompt_tokens": prompt_tokens, "completion_tokens": completion_tokens,
                      "total_tokens": prompt_tokens + completion_tokens},
        }
