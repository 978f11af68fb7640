"""LLM review of the narrative: grounded, provider-agnostic, fail-safe (docs/architecture.md §5).

``review_narrative`` is called by the pipeline after the deterministic checks.
It adds findings (``origin="llm"``) and fills ``review.llm``; it never raises and
never removes or downgrades a rule finding — on any failure the Review keeps
exactly the findings it had, with ``llm.status = "failed"`` and an error code.
"""

from __future__ import annotations

import hashlib
import logging
import time

from reviewer.document import Document
from reviewer.findings import LLMInfo, Review
from reviewer.settings import Settings

log = logging.getLogger(__name__)
PROMPT_NAME = "narrative"


def review_narrative(review: Review, doc: Document, facts, settings: Settings) -> None:
    from reviewer.llm import errors

    started = time.perf_counter()
    info = LLMInfo(status="failed", model=settings.llm_model)
    try:
        import langchain_openai  # noqa: F401 - a first import takes seconds: not the model's latency

        started = time.perf_counter()
        _review(review, doc, facts, settings, info)
        info.status = "ok"
        info.error = None
    except errors.LLMError as exc:
        log.warning("llm review failed: %s", exc.message)
        info.error = {"code": exc.code, "message": exc.message}
    except Exception as exc:  # noqa: BLE001 - the deterministic review must survive anything here
        log.exception("llm review crashed")
        err = errors.LLMError(errors.INTERNAL, type(exc).__name__)
        info.error = {"code": err.code, "message": err.message}
    finally:
        info.latency_ms = round((time.perf_counter() - started) * 1000, 1)
        review.llm = info


def build_messages(prompt, inp, method: str) -> list:
    """System prompt, few-shot pairs, then the draft inside a delimiter it cannot forge."""
    from langchain_core.messages import AIMessage, HumanMessage, SystemMessage

    from reviewer.llm.client import schema_hint

    # the tag depends on the narrative itself, so the draft cannot contain its own closing tag
    tag = "draft-" + hashlib.sha256(inp.narrative.encode()).hexdigest()[:10]
    hint = schema_hint(method)
    messages = [SystemMessage(content=prompt.system + (f"\n{hint}" if hint else ""))]
    for user, assistant in prompt.examples:
        messages += [HumanMessage(content=user), AIMessage(content=assistant)]
    messages.append(HumanMessage(content=prompt.render_user(
        year=inp.year, table_summary=inp.table_summary, tag=tag, narrative=inp.narrative)))
    return messages


def _review(review: Review, doc: Document, facts, settings: Settings, info: LLMInfo) -> None:
    from reviewer.llm.cache import cache_get, cache_key, cache_set, open_cache
    from reviewer.llm.client import StructuredCaller
    from reviewer.llm.grounding import Grounder
    from reviewer.llm.merge import ground_claims, ground_findings, merge_findings
    from reviewer.llm.narrative import build_input
    from reviewer.formats import own_format
    from reviewer.llm.prompts import load_prompt
    from reviewer.llm.schema import NarrativeOutput

    fmt = own_format(facts)  # the prompt lists the metrics of the report's own format
    prompt = load_prompt(PROMPT_NAME, settings.llm_prompt_version, settings.llm_prompts_dir, fmt.id)
    info.prompt_version = prompt.id
    inp = build_input(doc, facts, settings.llm_full_narrative)
    key = cache_key(inp.narrative, inp.table_summary, f"{prompt.id}@{fmt.id}", settings.llm_model)
    try:
        cache = open_cache(settings)
    except Exception as exc:  # noqa: BLE001 - no cache is a cost, not a failure
        log.warning("llm cache unavailable: %s", exc)
        cache = None
    output = None
    hit = cache_get(cache, key) if cache else None
    if hit:
        try:
            output = NarrativeOutput.model_validate_json(hit)
            info.cached, info.calls = True, 0
            info.tokens = {"prompt": 0, "completion": 0, "total": 0}
        except ValueError:
            output = None
    if output is None:
        caller = StructuredCaller(settings)
        try:
            caller.call(build_messages(prompt, inp, caller.method))
        finally:
            res = caller.result
            info.calls = res.calls
            info.tokens = {"prompt": res.prompt_tokens, "completion": res.completion_tokens,
                           "total": res.prompt_tokens + res.completion_tokens}
        output = res.output
        if cache:
            cache_set(cache, key, output.model_dump_json())

    grounder = Grounder(doc)
    claims, lost_claims = ground_claims(output, grounder, facts)
    findings, lost_findings = ground_findings(output, grounder, facts)
    claim_findings = _check_claims(facts, claims)
    # assigned at the very end: a failure above leaves the rule findings untouched
    review.findings = merge_findings(review.findings, claim_findings + findings)
    info.discarded = lost_claims + lost_findings


def _check_claims(facts, claims) -> list:
    if not claims:
        return []
    from reviewer.checks.crossref import check_claims

    out = check_claims(facts, claims)
    for f in out:
        f.origin = "llm"
    return out
