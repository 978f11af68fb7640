"""Explanations of the rules for `reviewer rule ID`, kept as data beside the rules.

One TOML file per category in reviewer/checks/docs/ (shipped as package data), one table
per rule id with the fields below. The rule's category, severity and one-line title come
from the registry, never from these files, so a severity change needs no doc change.
"""

from __future__ import annotations

import difflib
import tomllib
from functools import lru_cache
from importlib.resources import files

FIELDS = ("checks", "why", "fires", "passes", "skipped", "fix")
LABELS = {
    "checks": "检查什么",
    "why": "依据",
    "fires": "会报告的例子",
    "passes": "不会报告的例子",
    "skipped": "何时不运行",
    "fix": "怎样修改",
}


@lru_cache(maxsize=1)
def load_docs() -> dict[str, dict[str, str]]:
    """rule id → its explanation; ``_file`` names the TOML file it came from."""
    out: dict[str, dict[str, str]] = {}
    for res in sorted(files("reviewer.checks").joinpath("docs").iterdir(), key=lambda r: r.name):
        if not res.name.endswith(".toml"):
            continue
        for rule_id, table in tomllib.loads(res.read_text(encoding="utf-8")).items():
            if rule_id in out:
                raise ValueError(f"rule {rule_id} explained twice ({out[rule_id]['_file']}, {res.name})")
            out[rule_id] = {**table, "_file": res.name}
    return out


def close_ids(query: str, ids: list[str], n: int = 5) -> list[str]:
    """Rule ids like ``query``: containing it (“balance”), then by spelling (“table3.balanse”)."""
    q = query.strip().lower()
    containing = [i for i in ids if q and q in i.lower()]
    similar = difflib.get_close_matches(q, ids, n=n, cutoff=0.5)
    tails = difflib.get_close_matches(q, [i.split(".", 1)[-1] for i in ids], n=n, cutoff=0.6)
    by_tail = [i for t in tails for i in ids if i.split(".", 1)[-1] == t]
    return list(dict.fromkeys(containing + similar + by_tail))[:n]
