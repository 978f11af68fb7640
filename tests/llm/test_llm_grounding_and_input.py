"""Grounding of quotes, and what the model is shown (narrative + table summary)."""

from __future__ import annotations

from llm_helpers import Q_2024_DONE, Q_APPLY, load

from reviewer.document import Block, Document
from reviewer.extract.facts import ReportFacts
from reviewer.llm.grounding import Grounder, value_in_quote
from reviewer.llm.narrative import build_input


def test_quote_matches_after_whitespace_normalisation_only():
    text = "一、总体情况\n本年度共收到政府信息\n公开申请 5 件，全部办结。"
    doc = Document(source="t", media_type="txt", text=text,
                   blocks=[Block(id="b0", kind="heading", text="一、总体情况", span=(0, 6)),
                           Block(id="b1", kind="paragraph", text=text[7:], span=(7, len(text)))])
    g = Grounder(doc)
    span = g.find("共收到政府信息公开申请5件")
    assert span is not None and text[span[0]:span[1]] == "共收到政府信息\n公开申请 5 件"
    assert g.block_at(span[0]) == "b1"
    assert g.find("共收到政府信息公开申请5件。") is None  # punctuation must match
    assert g.find("共收到政府信息公开申请五件") is None  # so must wording
    assert g.find("   ") is None


def test_claimed_value_must_be_written_in_the_quote():
    assert value_in_quote(1248, "主动公开政府信息总数1,248条")
    assert value_in_quote(2.5, "收费2.5万元")
    assert value_in_quote(0, "本年度未收到政府信息公开申请")
    assert value_in_quote(2, "收到申请两件")
    assert not value_in_quote(7, "接收政府信息公开申请1条")
    assert not value_in_quote(1, "进一步完善工作机制")  # “一” is not a count here


def test_model_sees_narrative_without_table_data():
    doc, facts = load()
    inp = build_input(doc, facts)
    assert Q_APPLY in inp.narrative and Q_2024_DONE.replace("，", "，") in inp.narrative
    # table labels and cells stay out; their numbers arrive as the summary
    assert "本年新收政府信息公开申请数量" not in inp.narrative and "\t" not in inp.narrative
    assert "apply.new=2" in inp.table_summary and "apply.disclosed=2" in inp.table_summary
    for key in "一二三四五六":
        assert f"【{key}、" in inp.narrative
    # boilerplate without numbers is elided; section 五 is sent whole
    assert "安排专人进行定期更新数据" not in inp.narrative
    assert "针对这些问题，我们将在下一步工作中加以改进" in inp.narrative
    assert len(inp.narrative) < len(doc.text) * 0.45


def test_full_narrative_mode_and_missing_sections_fallback():
    doc, facts = load()
    full = build_input(doc, facts, full=True)
    assert "安排专人进行定期更新数据" in full.narrative
    bare = build_input(doc, ReportFacts(format_id="gov-disclosure-2021"))
    assert "【全文】" in bare.narrative and "针对这些问题" in bare.narrative
    assert "\t0" not in bare.narrative  # table blocks are still left out
    assert bare.table_summary == "（表格未能解析）"


def test_a_model_claim_about_documents_or_cases_is_never_an_application_count():
    from reviewer.llm.merge import ground_claims
    from reviewer.llm.schema import LLMClaim, NarrativeOutput

    text = ("一、总体情况\n全年制发各类文件500条，其中主动公开200条、依申请公开260条、不予公开40条。"
            "本年度共收到政府信息公开申请12件，其中不予公开2件。被申请行政复议2件（含上年结转1件）。")
    doc = Document(source="t", media_type="txt", text=text,
                   blocks=[Block(id="b0", kind="heading", text="一、总体情况", span=(0, 6)),
                           Block(id="b1", kind="paragraph", text=text[7:], span=(7, len(text)))])
    out = NarrativeOutput(claims=[
        LLMClaim(metric="apply.withheld", value=40, unit="条", quote="不予公开40条"),  # documents
        LLMClaim(metric="apply.carried", value=1, unit="件", quote="含上年结转1件"),  # appeal cases
        LLMClaim(metric="apply.withheld", value=2, unit="件", quote="其中不予公开2件"),  # applications
    ], findings=[])
    claims, discarded = ground_claims(out, Grounder(doc), ReportFacts(format_id="gov-disclosure-2021"))
    assert [(c.metric, c.value) for c in claims] == [("apply.withheld", 2)] and discarded == 2
