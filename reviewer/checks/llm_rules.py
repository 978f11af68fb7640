"""Rule ids the LLM review can emit, declared here so `reviewer rules` lists them.

The LLM chooses category and severity per finding; the defaults below describe
the usual case. Numeric claims the LLM extracts are verified by the rule
``crossref.claim_vs_table`` (with ``origin: "llm"``).
"""

from __future__ import annotations

from reviewer.checks.registry import Rule, declare
from reviewer.llm.schema import KIND_RULES

declare(*(Rule(rule_id, "period" if kind == "wrong_year" else "narrative", "warning", f"（大模型）{title}")
          for kind, (rule_id, title) in KIND_RULES.items()))
