"""Reading a posted form: the body under a size cap first, then the fields."""

from __future__ import annotations

from fastapi import Request


def form_text(form, name: str) -> str:
    v = form.get(name)
    return v.strip() if isinstance(v, str) else ""


async def read_body(request: Request, cap: int) -> None:
    """At most ``cap`` bytes (413 beyond), counted as the form parser reads them (files spool to disk)."""
    from reviewer.api.uploads import cap_body

    cap_body(request, cap, cap)
