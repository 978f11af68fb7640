"""Rule ids the LLM review can emit, declared here so `reviewer rules` lists them.

The LLM chooses category and severity per finding; the defaults below describe
the usual case. Numeric claims the LLM extracts are verified by the rule
``crossref.claim_vs_table`` (with ``origin: "llm"``).
"""

from __future__ import annotations

from reviewer.checks.registry import declare, declared
from reviewer.llm.schema import KIND_RULES

declare(*(declared(rule_id) for rule_id, _ in KIND_RULES.values()))
