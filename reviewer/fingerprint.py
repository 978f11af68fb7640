"""Stable finding fingerprints: the same problem keeps its fingerprint from one draft to the next.

A fingerprint is ``<rule_id>:<12 hex>``. The hash covers what the finding is about and its
substance, never where it happens to sit in this draft:

* table cells by their path in the format (``table3/new/total``) and, for findings about numbers, the
  value read there;
* text by its normalised quote (NFKC, whitespace dropped), never block ids or character offsets;
* ``expected`` / ``actual`` and the quoted evidence.

Moving paragraphs, inserting text elsewhere or changing numbers the finding does not involve keeps
the fingerprint; a different wrong number (the substance) gives a new one. Two findings that would
share one (the same sentence written twice) are told apart by their order: ``…~2``.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections.abc import Iterable

_SPACE = re.compile(r"\s+")


def normalise_quote(text: str | None) -> str:
    return _SPACE.sub("", unicodedata.normalize("NFKC", text or ""))


# findings about where things are or how they read, not about numbers: a cell they point at is a place, its value
# is not their substance (a table found outside its section stays the same finding when a number in it changes)
_PLACE_ONLY = {"structure", "period", "narrative", "duplicate"}


def _parts(f) -> list:
    places = []
    for loc in f.locations:
        if loc.table:
            value = "" if f.category in _PLACE_ONLY else normalise_quote(loc.text)
            places.append(["cell", f"{loc.table}/{loc.row}/{loc.column}", value])
        elif loc.text:
            places.append(["text", normalise_quote(loc.text)])
    parts = [f.rule_id, places, normalise_quote(f.expected), normalise_quote(f.actual),
             [normalise_quote(e) for e in f.evidence]]
    if not (places or f.evidence or f.expected or f.actual):
        parts.append(normalise_quote(f.message))  # e.g. a missing section: the message is all there is
    return parts


def fingerprint_of(finding) -> str:
    canon = json.dumps(_parts(finding), ensure_ascii=False, separators=(",", ":"))
    return f"{finding.rule_id}:{hashlib.sha256(canon.encode()).hexdigest()[:12]}"


def assign_fingerprints(findings: Iterable) -> None:
    """Sets ``fingerprint`` on every finding (in place), unique within the list."""
    seen: dict[str, int] = {}
    for f in findings:
        fp = fingerprint_of(f)
        seen[fp] = seen.get(fp, 0) + 1
        f.fingerprint = fp if seen[fp] == 1 else f"{fp}~{seen[fp]}"


def ensure_fingerprints(review: dict) -> dict:
    """A stored Review (JSON) from before fingerprints existed gets them on read; returns it."""
    findings = review.get("findings") or []
    if findings and any(not f.get("fingerprint") for f in findings):
        from reviewer.findings import Finding

        models = [Finding.model_validate(f) for f in findings]
        assign_fingerprints(models)
        for raw, m in zip(findings, models):
            raw["fingerprint"] = m.fingerprint
    return review


DELTA_KEYS = ("fixed", "new", "open", "dismissed")


def compare(before: Iterable[str], current: list[str], dismissed: set[str]) -> dict:
    """What changed from one version to the next, by fingerprint: ``fixed`` (gone), ``new``, ``open``
    (still there) and ``dismissed`` (there, with a standing dismissal; never must-fix), with counts."""
    before, now = set(before), set(current)
    out = {"fixed": sorted(before - now),
           "new": [fp for fp in current if fp not in before and fp not in dismissed],
           "open": [fp for fp in current if fp in before and fp not in dismissed],
           "dismissed": [fp for fp in current if fp in dismissed]}
    out["counts"] = {k: len(out[k]) for k in DELTA_KEYS}
    return out
