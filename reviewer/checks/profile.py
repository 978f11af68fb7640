"""Rule profiles: select, ignore and re-grade rules for a local standard (modelled on ruff's
``select``/``ignore``). A profile names rules by id or by prefix (“table3”, “period.” or “ALL”);
the most specific entry wins, like ruff. It is applied to a finished review (pipeline), and the
review records the profile it applied (``Review.profile``), so every page shows it.

Re-grading respects what a rule is: a rule can be lowered or raised to any severity, and the
finding keeps its declared severity in ``declared_severity`` so a reader sees it was changed.
"""

from __future__ import annotations

from pydantic import BaseModel, Field, field_validator

from reviewer.findings import Finding, Severity

ALL = "ALL"


class ProfileError(ValueError):
    """A profile names something that is not a rule or a severity (Chinese and English)."""

    def __init__(self, message_zh: str, message_en: str):
        super().__init__(f"{message_zh}（{message_en}）")
        self.message_zh, self.message_en = message_zh, message_en


class RuleProfile(BaseModel):
    name: str = "默认"
    select: list[str] = Field(default_factory=lambda: [ALL])
    ignore: list[str] = Field(default_factory=list)
    severity: dict[str, Severity] = Field(default_factory=dict)  # rule id or prefix → severity

    @field_validator("select", "ignore")
    @classmethod
    def _strip(cls, v: list[str]) -> list[str]:
        return [s.strip() for s in v if s.strip()]

    @property
    def is_default(self) -> bool:
        return self.select == [ALL] and not self.ignore and not self.severity

    def validate_ids(self) -> "RuleProfile":
        """Raise ProfileError when an entry selects no rule (a typo would silently do nothing)."""
        from reviewer.checks import RULES
        from reviewer.checks.rule_docs import close_ids

        for entry in [*self.select, *self.ignore, *self.severity]:
            if entry != ALL and not any(_matches(entry, rid) for rid in RULES):
                near = close_ids(entry, sorted(RULES))
                hint = f"相近的规则：{'、'.join(near)}。" if near else ""
                raise ProfileError(f"规则配置中的“{entry}”不是已知的规则编号或前缀。{hint}",
                                   f"unknown rule id or prefix: {entry}")
        return self

    def enabled(self, rule_id: str) -> bool:
        sel = _best(self.select, rule_id)
        ign = _best(self.ignore, rule_id)
        if sel < 0:
            return False
        return ign < sel or ign < 0

    def severity_of(self, rule_id: str) -> Severity | None:
        ranked = [(_specificity(k, rule_id), v) for k, v in self.severity.items() if _matches(k, rule_id)]
        return max(ranked)[1] if ranked else None

    def apply(self, findings: list[Finding]) -> list[Finding]:
        kept = [f for f in findings if self.enabled(f.rule_id)]
        ids = {f.id for f in kept}
        out = []
        for f in kept:
            update = {}
            if f.derived_from and f.derived_from not in ids:
                update["derived_from"] = None  # its root cause is ignored: it stands on its own
            sev = self.severity_of(f.rule_id)
            if sev and sev != f.severity:
                update |= {"severity": sev, "declared_severity": f.severity}
            out.append(f.model_copy(update=update) if update else f)
        return out

    def summary(self) -> dict:
        return {"name": self.name, "select": self.select, "ignore": self.ignore, "severity": self.severity}


def _matches(entry: str, rule_id: str) -> bool:
    e = entry.rstrip(".")
    return entry == ALL or rule_id == e or rule_id.startswith(e + ".")


def _specificity(entry: str, rule_id: str) -> int:
    return 0 if entry == ALL else len(entry.rstrip("."))


def _best(entries: list[str], rule_id: str) -> int:
    """Specificity of the most specific matching entry; -1 when none matches."""
    return max((_specificity(e, rule_id) for e in entries if _matches(e, rule_id)), default=-1)


def from_mapping(data: dict, name: str) -> RuleProfile:
    """A profile from a config table (``[tool.reviewer]`` or reviewer.toml): select, ignore, severity."""
    unknown = set(data) - {"select", "ignore", "severity", "name"}
    if unknown:
        raise ProfileError(f"规则配置中有未知的设置：{'、'.join(sorted(unknown))}",
                           "unknown keys; expected select, ignore, severity, name")
    try:
        profile = RuleProfile(name=data.get("name", name), select=data.get("select", [ALL]),
                              ignore=data.get("ignore", []), severity=data.get("severity", {}))
    except ValueError:
        raise ProfileError("规则配置格式不对：select、ignore 应为规则编号的列表，severity 应为“规则编号 = error/warning/info”",
                           "invalid profile: select and ignore are lists of rule ids, severity maps ids to "
                           "error/warning/info") from None
    return profile.validate_ids()
