"""The scripted cases of issue 3, each asserting on the resulting Review."""

from __future__ import annotations

import time

from fake_openai_server import Answer, Hang, Raw, Status
from llm_helpers import Q_2024_DONE, Q_APPLY, Q_PERIOD, answer, claim, finding, load, rule_review, span_of

from reviewer.llm import review_narrative
from reviewer.settings import get_settings


def _run(doc, facts):
    review = rule_review(doc, facts)
    before = [f.model_copy(deep=True) for f in review.findings]
    review_narrative(review, doc, facts, get_settings())
    return review, before


def _rule_findings_intact(review, before):
    rules = [f for f in review.findings if f.origin == "rule"]
    assert len(rules) == len(before)
    for old, new in zip(before, rules):
        assert new.severity == old.severity and new.rule_id == old.rule_id and new.message == old.message
        assert new.locations == old.locations
        assert set(old.evidence) <= set(new.evidence)


def test_correct_answer_adds_grounded_findings(llm_env):
    doc, facts = load()
    llm_env.script(Answer(answer(
        claims=[claim("apply.new", 1, Q_APPLY, "条")],
        findings=[finding("wrong_year", Q_2024_DONE, "period", "error", "2023年度报告把2024年写成已完成工作的年份",
                          "改为2023年")])))
    review, before = _run(doc, facts)

    assert review.llm.status == "ok", review.llm.error
    assert review.llm.calls == 1 and not review.llm.cached
    assert review.llm.prompt_version == "narrative/v2" and review.llm.model == "test-model"
    assert review.llm.tokens["prompt"] > 0 and review.llm.tokens["completion"] > 0
    assert review.llm.tokens["total"] == review.llm.tokens["prompt"] + review.llm.tokens["completion"]
    assert review.llm.latency_ms > 0 and review.llm.discarded == 0
    _rule_findings_intact(review, before)
    llm = [f for f in review.findings if f.rule_id == "llm.wrong_year"]
    assert len(llm) == 1
    f = llm[0]
    assert f.origin == "llm" and f.category == "period" and f.severity == "error"
    loc = f.locations[0]
    assert loc.span == span_of(doc, Q_2024_DONE) and loc.section == "五" and loc.block_id == "b16"
    assert doc.text[loc.span[0]:loc.span[1]] == Q_2024_DONE == f.evidence[0]
    # the request: structured output by json_schema, the draft delimited, no raw table data
    body = llm_env.requests[0]["body"]
    assert body["response_format"]["type"] == "json_schema"
    user = llm_env.user_message()
    assert "apply.new=2" in user and "本年新收政府信息公开申请数量" not in user


def test_hallucinated_quotes_are_dropped_and_counted(llm_env):
    doc, facts = load()
    llm_env.script(Answer(answer(
        claims=[claim("apply.new", 35, "我局全年共受理政府信息公开申请35件"),  # not in the draft
                claim("apply.disclosed", 7, Q_APPLY)],  # quote exists but states 1, not 7
        findings=[finding("contradiction", "本机关全年未收到任何申请", severity="error")])))
    review, before = _run(doc, facts)

    assert review.llm.status == "ok"
    assert review.llm.discarded == 3
    assert [f for f in review.findings if f.origin == "llm"] == []
    _rule_findings_intact(review, before)


def test_malformed_json_is_repaired_once(llm_env):
    doc, facts = load()
    llm_env.script(Raw('{"claims": [{"metric": "apply.new", "value": 1'),
                   Answer(answer(findings=[finding("wrong_year", Q_2024_DONE, "period")])))
    review, _ = _run(doc, facts)

    assert review.llm.status == "ok" and review.llm.calls == 2
    assert any(f.rule_id == "llm.wrong_year" for f in review.findings)
    repair = llm_env.requests[1]["body"]["messages"]
    assert "上一次的输出无效" in repair[-1]["content"]
    assert repair[-2]["role"] == "assistant" and '"value": 1' in repair[-2]["content"]


def test_invalid_output_twice_fails_safely(llm_env):
    doc, facts = load()
    llm_env.script(Raw("好的，报告没有问题。"), Answer({"claims": "none", "findings": []}))
    review, before = _run(doc, facts)

    assert review.llm.status == "failed" and review.llm.error["code"] == "llm.invalid_output"
    assert review.llm.calls == 2
    assert review.findings == before


def test_429_honours_retry_after(llm_env):
    doc, facts = load()
    llm_env.script(Status(429, {"Retry-After": "1"}, "Rate limit reached"),
                   Answer(answer(findings=[finding("wrong_year", Q_2024_DONE, "period")])))
    review, _ = _run(doc, facts)

    assert review.llm.status == "ok" and review.llm.calls == 2
    waited = llm_env.requests[1]["at"] - llm_env.requests[0]["at"]
    assert waited >= 0.95  # the server asked for 1 s; our own backoff base is 0.05 s
    assert any(f.origin == "llm" for f in review.findings)


def test_hang_past_timeout_fails_with_timeout(llm_env, monkeypatch):
    monkeypatch.setenv("REVIEWER_LLM_TIMEOUT", "0.5")
    monkeypatch.setenv("REVIEWER_LLM_MAX_RETRIES", "1")
    get_settings.cache_clear()
    doc, facts = load()
    llm_env.default = Hang(5)
    started = time.monotonic()
    review, before = _run(doc, facts)

    assert time.monotonic() - started < 4
    assert review.llm.status == "failed" and review.llm.error["code"] == "llm.timeout"
    assert review.llm.calls == 2 and len(llm_env.requests) == 2
    assert review.findings == before


def test_500_until_retries_run_out_keeps_rule_findings(llm_env):
    doc, facts = load()
    llm_env.default = Status(500, message="upstream overloaded")
    review, before = _run(doc, facts)

    assert review.llm.status == "failed" and review.llm.error["code"] == "llm.server_error"
    assert "5xx" in review.llm.error["message"]
    assert review.llm.calls == 3 and len(llm_env.requests) == 3  # 1 + REVIEWER_LLM_MAX_RETRIES=2
    assert review.findings == before


def test_unreachable_endpoint_fails_with_connection(llm_env, monkeypatch):
    import socket

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    monkeypatch.setenv("REVIEWER_LLM_BASE_URL", f"http://127.0.0.1:{port}/v1")
    monkeypatch.setenv("REVIEWER_LLM_MAX_RETRIES", "1")
    get_settings.cache_clear()
    doc, facts = load()
    review, before = _run(doc, facts)

    assert review.llm.status == "failed" and review.llm.error["code"] == "llm.connection"
    assert review.findings == before


def test_rejected_key_is_not_retried(llm_env):
    doc, facts = load()
    llm_env.default = Status(401, message="Incorrect API key provided")
    review, before = _run(doc, facts)

    assert review.llm.error["code"] == "llm.request_rejected" and review.llm.calls == 1
    assert review.findings == before


def test_duplicate_of_rule_finding_is_merged_never_downgraded(llm_env):
    doc, facts = load()
    llm_env.script(Answer(answer(findings=[
        finding("wrong_year", Q_PERIOD, "period", "info", "统计期限年份疑似有误"),  # same issue as the rule
        finding("wrong_year", Q_PERIOD, "period", "info", "重复一次"),
    ])))
    review, before = _run(doc, facts)

    assert review.llm.status == "ok"
    assert len(review.findings) == 1  # merged into the rule finding, not added
    merged = review.findings[0]
    assert merged.origin == "rule" and merged.severity == "error"  # not downgraded to info
    assert merged.evidence == before[0].evidence  # the same quote is not repeated


def test_second_identical_review_is_served_from_cache(llm_env):
    doc, facts = load()
    llm_env.script(Answer(answer(findings=[finding("wrong_year", Q_2024_DONE, "period")])))
    first, _ = _run(doc, facts)
    second, _ = _run(doc, facts)

    assert first.llm.calls == 1 and not first.llm.cached
    assert second.llm.cached and second.llm.calls == 0 and second.llm.status == "ok"
    assert len(llm_env.requests) == 1
    assert [f.model_dump() for f in second.findings] == [f.model_dump() for f in first.findings]


def test_concurrency_is_capped_per_process(llm_env, monkeypatch):
    from concurrent.futures import ThreadPoolExecutor

    monkeypatch.setenv("REVIEWER_LLM_MAX_CONCURRENCY", "1")
    monkeypatch.setenv("REVIEWER_LLM_CACHE_PATH", "/dev/null/none")  # no cache: every review calls
    get_settings.cache_clear()
    doc, facts = load()
    llm_env.default = Hang(0.2)  # answers (empty) after 0.2 s
    with ThreadPoolExecutor(3) as pool:
        reviews = list(pool.map(lambda _: _run(doc, facts)[0], range(3)))

    assert [r.llm.status for r in reviews] == ["ok"] * 3
    assert len(llm_env.requests) == 3 and llm_env.max_in_flight == 1
