"""From validated model output to grounded Claims and Findings, merged without harm.

Nothing here removes or downgrades an existing finding: a duplicate of a rule
finding only adds its quote to that finding's evidence.
"""

from __future__ import annotations

from reviewer.extract.facts import Claim, ReportFacts
from reviewer.findings import Finding, Location
from reviewer.formats import own_format
from reviewer.llm.grounding import Grounder, value_in_quote
from reviewer.llm.schema import KIND_RULES, NarrativeOutput


def _location(grounder: Grounder, facts: ReportFacts, span: tuple[int, int]) -> Location:
    return Location(section=facts.section_at(span[0]), block_id=grounder.block_at(span[0]), span=span,
                    text=grounder.doc.text[span[0]:span[1]])


def _sentence_to(grounder: Grounder, span: tuple[int, int]) -> str:
    """The sentence the quote ends in, up to the quote's end, whitespace removed."""
    text = grounder.doc.text
    start = max(text.rfind(ch, 0, span[0]) for ch in "。！？；\n") + 1
    return "".join(text[start:span[1]].split())


def _overlaps(a: Location, b: Location) -> bool:
    if a.span and b.span:
        return a.span[0] < b.span[1] and b.span[0] < a.span[1]
    return False


def ground_claims(output: NarrativeOutput, grounder: Grounder, facts: ReportFacts) -> tuple[list[Claim], int]:
    """Claims whose quote is in the draft and states the value; rule claims are not repeated."""
    claims: list[Claim] = []
    discarded = 0
    for c in output.claims:
        span = grounder.find(c.quote)
        if span is None or not value_in_quote(c.value, c.quote):
            discarded += 1
            continue
        loc = _location(grounder, facts, span)
        if own_format(facts).other_subject(c.metric, _sentence_to(grounder, span), c.unit or None):
            discarded += 1  # “制发文件500条，其中…不予公开40条”: documents (or appeal cases), never applications
            continue
        known = facts.claims + claims
        if any(k.metric == c.metric and _overlaps(k.location, loc) for k in known):
            continue  # the rule extractor (or an earlier LLM claim) already has it
        claims.append(Claim(metric=c.metric, value=c.value, unit=c.unit or None, quote=loc.text or c.quote,
                            location=loc, origin="llm"))
    return claims, discarded


def ground_findings(output: NarrativeOutput, grounder: Grounder, facts: ReportFacts) -> tuple[list[Finding], int]:
    findings: list[Finding] = []
    discarded = 0
    for f in output.findings:
        span = grounder.find(f.quote)
        if span is None:
            discarded += 1
            continue
        loc = _location(grounder, facts, span)
        rule_id = KIND_RULES[f.kind][0]
        findings.append(Finding(rule_id=rule_id, category=f.category, severity=f.severity, origin="llm",
                                message=f.message.strip() or KIND_RULES[f.kind][1], locations=[loc],
                                evidence=[loc.text or f.quote], suggestion=f.suggestion.strip() or None))
    return findings, discarded


# what the model says of the whole report that a rule already says: the same issue wherever the quotes are
_REPORT_LEVEL_TWINS = {
    "llm.missing_fee_statement": "structure.fee_statement_missing",
    "llm.vague_improvement": "structure.problems_empty",
}


def _same_issue(old: Finding, new: Finding) -> bool:
    if _REPORT_LEVEL_TWINS.get(new.rule_id) == old.rule_id:
        return True
    if old.category != new.category and old.rule_id != new.rule_id:
        return False
    return any(_overlaps(a, b) for a in old.locations for b in new.locations)


def merge_findings(existing: list[Finding], new: list[Finding]) -> list[Finding]:
    """``existing`` + ``new``; a new finding that repeats one already there only adds evidence."""
    out = [f.model_copy(deep=True) for f in existing]
    for f in new:
        twin = next((o for o in out if _same_issue(o, f)), None)
        if twin is None:
            out.append(f)
            continue
        for quote in f.evidence:
            if quote and quote not in twin.evidence:
                twin.evidence.append(quote)
    return out
