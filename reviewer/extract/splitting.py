"""Recovering cells whose boundaries were lost (“640020470” → 64,0,0,2,0,4,70).

Each run of digits can be cut into numbers in many ways; the table's own
relations decide. We enumerate every way to cut the runs of one row into the
row's cell count (no number has a leading zero), keep those that satisfy the
relations local to the row, and let the caller combine rows under the
column relations. Nothing is guessed: the caller uses a split only when
exactly one survives.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Callable, Iterator

Piece = tuple[int, int]  # (start, end) within a digit run
# a number as a cell holds it: no leading zero; an amount may have decimals (“5394432.52”)
_NUMBER = re.compile(r"(?:0|[1-9]\d*)(?:\.\d+)?")


@lru_cache(maxsize=4096)
def _cuts(run: str, k: int) -> tuple[tuple[str, ...], ...]:
    """All ways to cut ``run`` into ``k`` numbers without leading zeros. A run may hold one
    decimal amount glued to counts (“13575394432.52” = 1357 and 5394432.52): the point stays
    inside one number."""
    if k == 1:
        return ((run,),) if _NUMBER.fullmatch(run) else ()
    if len(run) < k:
        return ()
    if "." not in run:  # the common case, kept fast: “0” alone, or a run not starting with 0
        max_len = 1 if run[0] == "0" else len(run) - (k - 1)
        return tuple((run[:n], *rest) for n in range(1, max_len + 1) for rest in _cuts(run[n:], k - 1))
    out = []
    for n in range(1, len(run) - (k - 1) + 1):
        head = run[:n]
        if run[0] == "0" and n > 1 and run[1] != ".":
            break
        if _NUMBER.fullmatch(head):
            out.extend((head, *rest) for rest in _cuts(run[n:], k - 1))
    return tuple(out)


def _distributions(lengths: list[int], total: int) -> Iterator[list[int]]:
    """How many numbers each run holds: each ≥ 1 and ≤ its length, summing to ``total``."""
    if not lengths:
        if total == 0:
            yield []
        return
    head, rest = lengths[0], lengths[1:]
    min_rest = len(rest)
    max_rest = sum(rest)
    for k in range(1, head + 1):
        if min_rest <= total - k <= max_rest:
            for tail in _distributions(rest, total - k):
                yield [k, *tail]


def split_runs(runs: list[str], ncells: int, accept: Callable[[list[int]], bool],
               limit: int = 20000) -> list[list[tuple[float, int, int, int]]]:
    """Candidate rows: each a list of (value, run index, offset in run, length) per cell.

    ``accept`` gets the integer values and says whether the row's own relations hold.
    Stops after ``limit`` raw candidates (the caller then treats the row as unreadable).
    """
    out: list[list[tuple[float, int, int, int]]] = []
    seen = 0
    for dist in _distributions([len(r) for r in runs], ncells):
        per_run = [_cuts(run, k) for run, k in zip(runs, dist)]
        for combo in _product(per_run):
            seen += 1
            if seen > limit:
                return out
            cells: list[tuple[float, int, int, int]] = []
            for ri, numbers in enumerate(combo):
                off = 0
                for num in numbers:
                    cells.append((float(num) if "." in num else int(num), ri, off, len(num)))
                    off += len(num)
            if accept([c[0] for c in cells]):
                out.append(cells)
    return out


def _product(lists):
    if not lists:
        yield []
        return
    for first in lists[0]:
        for rest in _product(lists[1:]):
            yield [first, *rest]
