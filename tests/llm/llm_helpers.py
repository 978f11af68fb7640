"""Shared pieces of the LLM tests: the sample draft, a rule finding, scripted answers."""

from __future__ import annotations

from pathlib import Path

from reviewer.document import Document
from reviewer.extract import extract
from reviewer.extract.facts import ReportFacts
from reviewer.findings import Finding, Location, Review
from reviewer.ingest import read_path

SAMPLE = Path(__file__).resolve().parents[2] / "examples" / "wuhai-gxj-2023.txt"

# quotes that are in the sample draft
Q_APPLY = "接收政府信息公开申请1条"
Q_2024_DONE = "2024年，我局通过不断完善公开渠道、及时更新公开内容等方式"
Q_PERIOD = "本报告所列数据的统计期限自2024年1月1日起至2024年12月31日"


def load(path: Path = SAMPLE) -> tuple[Document, ReportFacts]:
    doc = read_path(path)
    return doc, extract(doc)


def span_of(doc: Document, text: str) -> tuple[int, int]:
    start = doc.text.index(text)
    return start, start + len(text)


def rule_review(doc: Document, facts: ReportFacts) -> Review:
    """A Review holding one deterministic finding (the sample's wrong statistics period)."""
    span = span_of(doc, Q_PERIOD)
    rule = Finding(rule_id="period.statistics_year", category="period", severity="error",
                   message="统计期限年份（2024）与报告年度（2023）不一致",
                   locations=[Location(section=None, block_id="b2", span=span, text=Q_PERIOD)],
                   evidence=[Q_PERIOD], expected="2023", actual="2024")
    return Review(review_id="t", source=doc.source, findings=[rule])


def answer(claims=(), findings=()) -> dict:
    return {"claims": list(claims), "findings": list(findings)}


def claim(metric: str, value: float, quote: str, unit: str = "件") -> dict:
    return {"metric": metric, "value": value, "unit": unit, "quote": quote}


def finding(kind: str, quote: str, category: str = "narrative", severity: str = "warning",
            message: str = "问题说明", suggestion: str = "修改建议") -> dict:
    return {"kind": kind, "category": category, "severity": severity, "message": message,
            "quote": quote, "suggestion": suggestion}
