"""Structured-output method per endpoint, against servers with each provider's quirks."""

from __future__ import annotations

import pytest
from fake_openai_server import Answer, FakeOpenAIServer
from llm_helpers import Q_2024_DONE, answer, finding, load, rule_review

from reviewer.llm import review_narrative
from reviewer.llm.client import choose_method
from reviewer.llm.errors import LLMError
from reviewer.settings import Settings, get_settings


@pytest.mark.parametrize("base_url, model, expected", [
    (None, "gpt-4o-mini", "json_schema"),
    ("https://api.openai.com/v1", "gpt-4.1", "json_schema"),
    ("https://api.deepseek.com/v1", "deepseek-chat", "json_mode"),
    ("http://10.0.0.5:8000/v1", "deepseek-r1-distill", "json_mode"),
    ("https://dashscope.aliyuncs.com/compatible-mode/v1", "qwen-plus", "json_mode"),
    ("http://127.0.0.1:8000/v1", "Qwen/Qwen2.5-7B-Instruct", "json_mode"),
    ("http://127.0.0.1:8000/v1", "meta-llama/Llama-3.1-8B-Instruct", "json_schema"),  # vLLM guided decoding
    ("http://127.0.0.1:11434/v1", "llama3.1", "json_schema"),  # Ollama
])
def test_auto_method_by_endpoint(base_url, model, expected):
    assert choose_method(Settings(llm_base_url=base_url, llm_model=model)) == expected


def test_explicit_method_wins_and_unknown_is_a_config_error():
    s = Settings(llm_base_url="https://api.deepseek.com", llm_structured_method="function_calling")
    assert choose_method(s) == "function_calling"
    with pytest.raises(LLMError) as exc:
        choose_method(Settings(llm_structured_method="xml"))
    assert exc.value.code == "llm.config"


def _review_with(server: FakeOpenAIServer, monkeypatch, **env):
    monkeypatch.setenv("REVIEWER_LLM_BASE_URL", server.base_url)
    for k, v in env.items():
        monkeypatch.setenv(f"REVIEWER_LLM_{k.upper()}", v)
    get_settings.cache_clear()
    doc, facts = load()
    server.script(Answer(answer(findings=[finding("wrong_year", Q_2024_DONE, "period")])))
    review = rule_review(doc, facts)
    review_narrative(review, doc, facts, get_settings())
    assert review.llm.status == "ok", review.llm.error
    assert [f.rule_id for f in review.findings if f.origin == "llm"] == ["llm.wrong_year"]
    return review


def test_function_calling_reads_tool_call_arguments(llm_env, monkeypatch):
    _review_with(llm_env, monkeypatch, structured_method="function_calling")
    body = llm_env.requests[0]["body"]
    assert body["tool_choice"]["function"]["name"] == body["tools"][0]["function"]["name"]
    assert "response_format" not in body


def test_deepseek_rejecting_json_schema_falls_back_to_json_mode(llm_env, monkeypatch):
    llm_env.profile = "deepseek"
    review = _review_with(llm_env, monkeypatch)
    first, second = (r["body"] for r in llm_env.requests)
    assert first["response_format"]["type"] == "json_schema"
    assert second["response_format"] == {"type": "json_object"}
    assert "JSON Schema" in second["messages"][0]["content"]  # JSON mode carries the schema in the prompt
    assert review.llm.calls == 2


def test_qwen_json_mode_prompt_always_says_json(llm_env, monkeypatch):
    llm_env.profile = "dashscope"  # refuses JSON mode unless a message says “json”
    _review_with(llm_env, monkeypatch, model="qwen-plus")
    body = llm_env.requests[0]["body"]
    assert body["response_format"] == {"type": "json_object"} and len(llm_env.requests) == 1
