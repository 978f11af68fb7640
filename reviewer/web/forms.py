"""Reading a posted form: the body under a size cap first, then the fields."""

from __future__ import annotations

from fastapi import Request


def form_text(form, name: str) -> str:
    v = form.get(name)
    return v.strip() if isinstance(v, str) else ""


async def read_body(request: Request, cap: int) -> None:
    """Read at most ``cap`` bytes (413 beyond), so the form parser never sees more."""
    from reviewer.api.uploads import read_capped

    await read_capped(request, cap, cap)
