"""Prompt tokens per report: what reviewer.llm sends versus a prompt with the whole draft.

Run: ``.venv/bin/python bench/llm_tokens.py``

For each draft (the sample, the real published reports in tests/fixtures/real,
and a synthetic long report) it runs the real ``review_narrative`` against the
loopback OpenAI-compatible test server and reads ``usage.prompt_tokens`` as
the server counts it, then sends the same prompt with the whole draft (tables
included) in place of narrative + table summary. No tokenizer files can be
downloaded here, so the server counts tokens with
``reviewer.llm.tokens.approx_tokens`` (1 per CJK character, 1 per 4 other
characters): an approximation, identical for both prompts, and it undercounts
table whitespace, which favours the whole-draft baseline.

Columns: ``total`` = whole request (system prompt, example, schema, draft);
``draft part`` = the per-report user message only (the system prompt, example
and schema are the same for every report and served from providers' prompt
caches); ``calls`` = LLM requests for the first review / for resubmitting the
unchanged draft.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "llm"))

from fake_openai_server import Answer, FakeOpenAIServer  # noqa: E402

SAMPLE = ROOT / "examples" / "wuhai-gxj-2023.txt"
REAL = ROOT / "tests" / "fixtures" / "real"  # published reports, kept in the repository

# a long report: the sample with section 一 grown to a large agency's length —
# mostly descriptive work sentences, one in four stating a number
_WORK = [
    "坚持以人民为中心的发展思想，把政务公开作为建设法治政府、服务型政府的重要抓手，",
    "健全完善政务公开工作机制，明确分管领导和具体工作人员，形成一级抓一级、层层抓落实的工作格局，",
    "聚焦企业和群众关切，围绕产业发展、营商环境、惠企政策等重点领域加大信息公开力度，",
    "严格落实信息发布审核制度，坚持先审后发，确保发布信息内容准确、表述规范，",
    "持续优化政府网站栏目设置，对栏目内容进行全面梳理，及时清理过期信息和空白栏目，",
    "加强政策解读回应，坚持政策文件与解读材料同步起草、同步审签、同步发布，",
    "畅通依申请公开渠道，规范受理、登记、办理、答复等各个环节，做到依法依规、按时答复，",
]
_NUMBERS = [
    "全年通过门户网站发布工作动态{n}条，",
    "组织开展政务公开业务培训{n}次，参训人员{m}人次，",
    "通过微信公众号推送各类信息{n}条，",
    "召开新闻发布会{n}场，发布政策解读{m}篇，",
]


def long_report(path: Path, paragraphs: int = 24) -> Path:
    text = SAMPLE.read_text(encoding="utf-8")
    extra = []
    for i in range(paragraphs):
        sentences = [_WORK[(i + k) % len(_WORK)] for k in range(3)]
        sentences.insert(i % 3, _NUMBERS[i % len(_NUMBERS)].format(n=12 + 7 * i, m=30 + 11 * i))
        extra.append(f"（{i + 4}）" + "".join(sentences) + "推动政务公开工作提质增效。")
    marker = "二、主动公开政府信息情况"
    text = text.replace(marker, "\n".join(extra) + "\n\n" + marker, 1)
    path.write_text(text, encoding="utf-8")
    return path


def measure(path: Path, tmp: Path) -> dict:
    from reviewer.extract import extract
    from reviewer.findings import Review
    from reviewer.ingest import read_path
    from reviewer.llm import build_messages, review_narrative
    from reviewer.llm.client import StructuredCaller
    from reviewer.llm.narrative import NarrativeInput, build_input
    from reviewer.llm.prompts import load_prompt
    from reviewer.llm.tokens import approx_tokens
    from reviewer.settings import get_settings

    doc = read_path(path)
    facts = extract(doc)
    with FakeOpenAIServer(default=Answer({"claims": [], "findings": []})) as server:
        os.environ.update({"REVIEWER_LLM_BASE_URL": server.base_url, "REVIEWER_LLM_API_KEY": "bench",
                           "REVIEWER_LLM_CACHE_PATH": str(tmp / f"{path.stem}.sqlite3")})
        os.environ.pop("REVIEWER_REDIS_URL", None)
        get_settings.cache_clear()
        settings = get_settings()
        first = Review(review_id="b1", source=doc.source)
        review_narrative(first, doc, facts, settings)
        second = Review(review_id="b2", source=doc.source)
        review_narrative(second, doc, facts, settings)
        sent_user = server.user_message(0)

        prompt = load_prompt("narrative", settings.llm_prompt_version)
        caller = StructuredCaller(settings)
        inp = build_input(doc, facts)
        whole = NarrativeInput(year=inp.year, narrative=doc.text, table_summary="（见草稿中的表格）")
        messages = build_messages(prompt, whole, caller.method)
        caller.call(messages)
        whole_user = messages[-1].content
    assert first.llm.status == "ok", first.llm.error
    return {
        "name": path.name,
        "sent": first.llm.tokens["prompt"],
        "whole": caller.result.prompt_tokens,
        "sent_user": approx_tokens(sent_user),
        "whole_user": approx_tokens(whole_user),
        "calls": (first.llm.calls, second.llm.calls, second.llm.cached),
    }


def main() -> int:
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        drafts = [SAMPLE,
                  *sorted(p for p in REAL.iterdir() if p.name != "README.md"),
                  long_report(tmp / "long-report-synthetic.txt")]
        print(f"{'draft':32} {'total sent':>10} {'whole':>7} {'ratio':>6}   {'draft part':>10} {'whole':>7} "
              f"{'ratio':>6}   calls (first, resubmit)")
        for path in drafts:
            r = measure(path, tmp)
            print(f"{r['name']:32} {r['sent']:>10} {r['whole']:>7} {r['sent'] / r['whole']:>6.0%}   "
                  f"{r['sent_user']:>10} {r['whole_user']:>7} {r['sent_user'] / r['whole_user']:>6.0%}   "
                  f"{r['calls'][0]}, {r['calls'][1]}{' (cached)' if r['calls'][2] else ''}")
    print("tokens: approximate (1 per CJK char, 1 per 4 other chars), counted by the loopback server")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
