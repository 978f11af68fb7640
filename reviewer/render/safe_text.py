"""Text every writer can write: the characters XML 1.0 forbids made visible, one for one.

The readers accept a draft with a stray control character (U+0001–0008, U+000B, U+000C,
U+000E–001F) or a noncharacter (U+FFFE, U+FFFF); .docx and .xlsx are XML, which cannot hold
them, and HTML shows them as nothing. Each is replaced by U+FFFD (�), one character for one,
so every span into ``Document.text`` still points at the same place and the author sees
where the stray character was.
"""

from __future__ import annotations

import re
from typing import TypeVar

from pydantic import BaseModel

ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
REPLACEMENT = "\ufffd"
M = TypeVar("M", bound=BaseModel)


def safe_text(text: str) -> str:
    return ILLEGAL.sub(REPLACEMENT, text) if text and ILLEGAL.search(text) else text


def _clean(value):
    if isinstance(value, str):
        return safe_text(value)
    if isinstance(value, list):
        return [_clean(v) for v in value]
    if isinstance(value, tuple):
        return tuple(_clean(v) for v in value)
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    return value


def safe_model(model: M) -> M:
    """A copy of a Document or Review with every string made writable (the model itself when
    nothing needs replacing); private attributes (a PDF's character boxes) are kept."""
    dumped = model.model_dump()
    cleaned = _clean(dumped)
    if cleaned == dumped:
        return model
    clean = type(model).model_validate(cleaned)
    if model.__pydantic_private__:
        clean.__pydantic_private__ = dict(model.__pydantic_private__)
    return clean
