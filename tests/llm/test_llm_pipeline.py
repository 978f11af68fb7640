"""End to end through reviewer.pipeline.review_path with the LLM on the loopback server."""

from __future__ import annotations

from fake_openai_server import Answer, Status
from llm_helpers import SAMPLE, Q_2024_DONE, Q_APPLY, answer, claim, finding

from reviewer.pipeline import ReviewOptions, review_path
from reviewer.settings import get_settings

FORWARD = "截至年底，尚有1件需要留待明年继续答复。"  # table 三 says 0 carried forward; rules miss this wording
Q_FORWARD = "尚有1件需要留待明年继续答复"


def _variant(tmp_path):
    text = SAMPLE.read_text(encoding="utf-8").replace(
        "（二）加大对于信息公开平台建设。", f"（二）加大对于信息公开平台建设。{FORWARD}")
    path = tmp_path / "variant.txt"
    path.write_text(text, encoding="utf-8")
    return path


def _dump(findings):
    return [f.model_dump() for f in findings]


def test_llm_claim_contradicting_a_table_becomes_an_llm_crossref_finding(llm_env, tmp_path):
    path = _variant(tmp_path)
    baseline = review_path(path, ReviewOptions(use_llm=False))
    llm_env.script(Answer(answer(
        claims=[claim("apply.forward", 1, Q_FORWARD),
                claim("apply.new", 1, Q_APPLY, "条")],  # the rules already have this one
        findings=[finding("wrong_year", Q_2024_DONE, "period", "error")])))
    review = review_path(path)

    assert review.status == "ok" and review.llm.status == "ok", review.llm.error
    assert review.llm.calls == 1 and review.llm.discarded == 0
    new = review.findings[len(baseline.findings):]
    crossref = [f for f in new if f.category == "crossref"]
    assert len(crossref) == 1
    f = crossref[0]
    assert f.origin == "llm" and f.rule_id == "crossref.claim_vs_table"
    assert f.actual == "1" and f.expected == "0" and Q_FORWARD in f.evidence[0]
    span = f.locations[0].span
    assert path.read_text(encoding="utf-8")[span[0]:span[1]] == Q_FORWARD
    # the rule findings are all still there, unchanged but for added evidence
    for old, now in zip(baseline.findings, review.findings):
        assert (now.rule_id, now.severity, now.message, now.origin) == (old.rule_id, old.severity, old.message, "rule")
    # the apply.new claim repeats a rule claim: no second crossref finding for it
    assert sum(1 for x in review.findings if "接收政府信息公开申请1条" in x.message) == 1
    # the wrong-year finding duplicates the rule period.narrative_year: merged, not added
    assert not any(x.rule_id == "llm.wrong_year" for x in review.findings)
    period = next(x for x in review.findings if x.rule_id == "period.narrative_year")
    assert Q_2024_DONE in period.evidence and period.severity == "error"


def test_llm_failure_leaves_the_deterministic_review_intact(llm_env):
    baseline = review_path(SAMPLE, ReviewOptions(use_llm=False))
    llm_env.default = Status(503, message="overloaded")
    review = review_path(SAMPLE)

    assert review.status == "ok"
    assert review.llm.status == "failed" and review.llm.error["code"] == "llm.server_error"
    assert _dump(review.findings) == _dump(baseline.findings)


def test_without_configuration_the_review_says_llm_was_skipped(monkeypatch):
    for key in ("REVIEWER_LLM_BASE_URL", "REVIEWER_LLM_API_KEY"):
        monkeypatch.delenv(key, raising=False)
    get_settings.cache_clear()
    try:
        review = review_path(SAMPLE)
    finally:
        get_settings.cache_clear()
    assert review.llm.status == "skipped" and "REVIEWER_LLM_BASE_URL" in review.llm.reason
