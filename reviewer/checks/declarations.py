"""The rule declarations: one table per rule in reviewer/checks/docs/<category>.toml (package data).

A declaration is everything a rule *is* — the check functions only hold its logic:

============  =====================================================================================
field         meaning
============  =====================================================================================
title         one line, Chinese (the catalog, `reviewer rules`)
severity      the severity it usually emits
also          other severities it may emit → when (``{ info = "…" }``); emitting any other is a bug
message       templates of the messages it emits (``{name}`` stands for a value)
checks/why    what it checks; its basis (the 2021 format 国办公开办函〔2021〕30号, the 条例, 立法法)
fires/passes  an example that fires and one that stays silent, in words
skipped       preconditions: when it does not run
fix           how to correct the draft
defers_to     rules that take precedence: while they fire on the same thing, this one stays silent
runs_on       ``draft`` (default), ``batch`` (needs several reports) or ``llm`` (emitted by the model)
examples      executable examples (``[[“id”.examples]]``), run by tests/test_rule_examples.py: each
              edits a generated consistent report and says whether the rule fires; a silent example
              names with ``reads`` what must have been read (cells, claims, sections) so it cannot
              pass because extraction broke
============  =====================================================================================

The category is the file's name. Nothing about a rule is written anywhere else.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from importlib.resources import files

EXPLANATION = ("checks", "why", "fires", "passes", "skipped", "fix")
LABELS = {
    "checks": "检查什么",
    "why": "依据",
    "fires": "会报告的例子",
    "passes": "不会报告的例子",
    "skipped": "何时不运行",
    "fix": "怎样修改",
}
SEVERITIES = ("error", "warning", "info")
RUNS_ON = ("draft", "batch", "llm")
_KEYS = {"title", "severity", "also", "message", *EXPLANATION, "defers_to", "runs_on", "examples"}


@dataclass(frozen=True)
class Rule:
    id: str
    category: str
    severity: str
    title: str
    also: dict[str, str] = field(default_factory=dict, compare=False, hash=False)  # other severity → when
    messages: tuple[str, ...] = ()
    explanation: dict[str, str] = field(default_factory=dict, compare=False, hash=False)
    defers_to: tuple[str, ...] = ()
    runs_on: str = "draft"
    examples: tuple[dict, ...] = field(default=(), compare=False, hash=False)

    @property
    def severities(self) -> tuple[str, ...]:
        """Every severity the rule may emit, the usual one first."""
        return (self.severity, *[s for s in SEVERITIES if s in self.also and s != self.severity])

    def message_matches(self, message: str) -> bool:
        return any(_template_regex(t).fullmatch(message) for t in self.messages)


@lru_cache(maxsize=None)
def _template_regex(template: str) -> re.Pattern:
    parts = re.split(r"\{[^{}]*\}", template)
    return re.compile(".*?".join(re.escape(p) for p in parts), re.S)


@lru_cache(maxsize=1)
def load_declarations() -> dict[str, Rule]:
    out: dict[str, Rule] = {}
    for res in sorted(files("reviewer.checks").joinpath("docs").iterdir(), key=lambda r: r.name):
        if not res.name.endswith(".toml"):
            continue
        category = res.name.removesuffix(".toml")
        for rule_id, t in tomllib.loads(res.read_text(encoding="utf-8")).items():
            if rule_id in out:
                raise ValueError(f"rule {rule_id} declared twice")
            unknown = set(t) - _KEYS
            if unknown:
                raise ValueError(f"rule {rule_id}: unknown fields {sorted(unknown)}")
            if t["severity"] not in SEVERITIES or not set(t.get("also", {})) <= set(SEVERITIES):
                raise ValueError(f"rule {rule_id}: unknown severity")
            if t.get("runs_on", "draft") not in RUNS_ON:
                raise ValueError(f"rule {rule_id}: runs_on must be one of {RUNS_ON}")
            out[rule_id] = Rule(
                id=rule_id, category=category, severity=t["severity"], title=t["title"], also=dict(t.get("also", {})),
                messages=tuple(t.get("message", ())), explanation={k: t[k] for k in EXPLANATION if k in t},
                defers_to=tuple(t.get("defers_to", ())), runs_on=t.get("runs_on", "draft"),
                examples=tuple(t.get("examples", ())))
    return out


def declared(rule_id: str) -> Rule:
    """The declaration of one rule; a check module names its rules with this."""
    try:
        return load_declarations()[rule_id]
    except KeyError:
        raise KeyError(f"rule {rule_id} has no declaration in reviewer/checks/docs/*.toml") from None


SEVERITY_ZH = {"error": "错误", "warning": "警告", "info": "提示"}


def describe(rule: Rule) -> dict:
    """Everything a reader is shown of one rule — `reviewer rule ID` (text and JSON), the web rule page
    and the catalog all render this one dict."""
    levels = [(SEVERITY_ZH[rule.severity], "通常")] + [(SEVERITY_ZH[s], rule.also[s]) for s in rule.severities[1:]]
    sections = [(LABELS[k], rule.explanation[k]) for k in EXPLANATION if rule.explanation.get(k)]
    sections.insert(1, ("级别", "；".join(f"{name}：{when}" for name, when in levels)))
    sections.append(("提示文字", "\n".join(rule.messages)))
    if rule.defers_to:
        sections.append(("让位于", "、".join(rule.defers_to) + "（这些规则就同一处报告时，本规则不再报告）"))
    fire = [e["note"] for e in rule.examples if e.get("fires")]
    silent = [e["note"] for e in rule.examples if not e.get("fires")]
    if fire or silent:
        sections.append(("可运行的例子", "\n".join([f"报告：{n}" for n in fire] + [f"不报告：{n}" for n in silent])))
    return {"id": rule.id, "category": rule.category, "severity": rule.severity, "severities": list(rule.severities),
            "also": rule.also, "title": rule.title, "messages": list(rule.messages), "defers_to": list(rule.defers_to),
            "runs_on": rule.runs_on, **{k: rule.explanation.get(k) for k in EXPLANATION},
            "examples": [{"fires": bool(e.get("fires")), "note": e["note"]} for e in rule.examples],
            "sections": sections}
