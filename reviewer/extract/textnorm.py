"""Text normalisation with a map back to the original offsets.

Labels in real drafts come with stray spaces, line breaks inside words and a mix
of full- and half-width punctuation. Matching is done on a compact form (no
whitespace, one width) whose every character remembers where it came from, so a
match can always be reported as a span of the original text.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass
from functools import lru_cache

# one character in, one character out: keeps the offset map trivial
_FOLD = str.maketrans({
    "(": "（", ")": "）", ":": "：", ",": "，", ";": "；", "?": "？", "!": "！",
    "．": ".", "。": "。", "〔": "〔", "[": "〔", "]": "〕", "【": "〔", "】": "〕",
    "\u201c": "“", "\u201d": "”", '"': "”", "「": "“", "」": "”",
    **{chr(0xFF10 + i): str(i) for i in range(10)},  # full-width digits
    "－": "-", "—": "-", "–": "-", "―": "-", "\u00a0": " ", "\u3000": " ",
})
_SPACE = re.compile(r"\s")
_SPACE_RUN = re.compile(r"\s+")


def fold(text: str) -> str:
    """Same length as ``text``; unify widths and quote forms."""
    return text.translate(_FOLD)


@dataclass
class Compact:
    """``text`` without whitespace; ``pos[i]`` is the original offset of ``text[i]``."""

    text: str
    pos: list[int]
    origin_len: int

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Original half-open span of compact range [start, end)."""
        if start >= end:
            p = self.pos[start] if start < len(self.pos) else self.origin_len
            return p, p
        return self.pos[start], self.pos[end - 1] + 1


    def slice(self, start: int, end: int) -> "Compact":
        """The compact form of original range [start, end), without recomputing it."""
        i, j = bisect_left(self.pos, start), bisect_left(self.pos, end)
        return Compact(self.text[i:j], self.pos[i:j], end)


def compact(text: str, offset: int = 0) -> Compact:
    folded = fold(text)
    pos: list[int] = []
    last = 0
    for m in _SPACE_RUN.finditer(folded):  # whitespace comes in few runs: copy the ranges between
        pos.extend(range(offset + last, offset + m.start()))
        last = m.end()
    pos.extend(range(offset + last, offset + len(folded)))
    return Compact(_SPACE_RUN.sub("", folded), pos, offset + len(text))


def label_key(text: str) -> str:
    """Canonical form of a label for comparison: folded, no whitespace."""
    return _SPACE.sub("", fold(text))


@lru_cache(maxsize=4096)
def loose_pattern(label: str) -> str:
    """A regex for ``label`` that tolerates whitespace between any two characters."""
    key = label_key(label)
    return r"\s*".join(re.escape(ch) for ch in key)
