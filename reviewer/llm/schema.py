"""What the model must return, as pydantic models (validated whatever the server claims).

One call yields both outputs: numeric ``claims`` the prose makes (checked later
against the tables by the deterministic engine) and narrative ``findings``.
Every field is required and objects are closed, so the same JSON schema is
valid for OpenAI strict structured output, tool parameters and vLLM guided
decoding.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from reviewer.formats import DEFAULT_FORMAT, FORMATS, ReportFormat

# every metric the model may name a claim as, in any format (each prompt lists its report's own format's)
METRIC_IDS: tuple[str, ...] = tuple(dict.fromkeys(m.id for f in (DEFAULT_FORMAT, *FORMATS.values())
                                                  for m in f.metrics if m.llm))
MetricId = Literal[METRIC_IDS]  # type: ignore[valid-type]

FindingKind = Literal["contradiction", "wrong_year", "vague_improvement", "missing_fee_statement",
                      "copied_content", "other"]

# rule ids of LLM findings (listed by `reviewer rules` through reviewer.llm.rules)
KIND_RULES: dict[str, tuple[str, str]] = {
    "contradiction": ("llm.contradiction", "叙述与表格或前后文相互矛盾"),
    "wrong_year": ("llm.wrong_year", "已完成的工作使用了错误的年份"),
    "vague_improvement": ("llm.vague_improvement", "第五部分未写明具体问题或改进措施"),
    "missing_fee_statement": ("llm.missing_fee_statement", "第六部分未说明信息处理费收取情况"),
    "copied_content": ("llm.copied_content", "疑似照搬其他年度报告的内容"),
    "other": ("llm.other", "大模型发现的其他叙述问题"),
}


class _Closed(BaseModel):
    model_config = ConfigDict(extra="forbid")


class LLMClaim(_Closed):
    metric: MetricId
    value: float
    unit: str
    quote: str


class LLMFinding(_Closed):
    kind: FindingKind
    category: Literal["narrative", "period"]
    severity: Literal["error", "warning", "info"]
    message: str
    quote: str
    suggestion: str


class NarrativeOutput(_Closed):
    claims: list[LLMClaim]
    findings: list[LLMFinding]


def _tidy(node: Any) -> Any:
    """Drop titles (tokens the model does not need); close every object."""
    if isinstance(node, dict):
        out = {k: _tidy(v) for k, v in node.items() if k != "title"}
        if out.get("type") == "object":
            out["additionalProperties"] = False
            out["required"] = list(out.get("properties", {}))
        return out
    if isinstance(node, list):
        return [_tidy(v) for v in node]
    return node


def output_json_schema() -> dict[str, Any]:
    # "properties" maps field names to schemas; a field called "title" would be
    # lost by _tidy, and none exists.
    return _tidy(NarrativeOutput.model_json_schema())


SCHEMA_NAME = "narrative_review"
SCHEMA_DESCRIPTION = "年度报告叙述部分的数字陈述与问题"


def metric_catalogue(fmt: ReportFormat = DEFAULT_FORMAT) -> str:
    """“id 含义” per metric of the report's own format, for the (per format static, provider-cacheable)
    system prompt."""
    return "\n".join(f"{m.id} {m.description}{_where(m)}" for m in fmt.metrics if m.llm)


def _where(metric) -> str:
    if metric.cells:
        return ""
    if metric.readings:  # a verb's metric: the rules try each reading
        return "（可指：" + "；或".join(r.label for r in metric.readings) + "）"
    return "（表格中没有，仅见于叙述）"
