"""Helpers for `reviewer rule ID` and the rule pages: the explanation of a rule comes from its
declaration (reviewer/checks/declarations.py); this module only finds ids close to a mistyped one."""

from __future__ import annotations

import difflib

from reviewer.checks.declarations import EXPLANATION as FIELDS  # noqa: F401  (re-exported)
from reviewer.checks.declarations import LABELS  # noqa: F401


def close_ids(query: str, ids: list[str], n: int = 5) -> list[str]:
    """Rule ids like ``query``: containing it (“balance”), then by spelling (“table3.balanse”)."""
    q = query.strip().lower()
    containing = [i for i in ids if q and q in i.lower()]
    similar = difflib.get_close_matches(q, ids, n=n, cutoff=0.5)
    tails = difflib.get_close_matches(q, [i.split(".", 1)[-1] for i in ids], n=n, cutoff=0.6)
    by_tail = [i for t in tails for i in ids if i.split(".", 1)[-1] == t]
    return list(dict.fromkeys(containing + similar + by_tail))[:n]
