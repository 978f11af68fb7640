"""Recovering cells whose boundaries were lost (“640020470” → 64,0,0,2,0,4,70).

Each run of digits can be cut into numbers in many ways; the table's own
relations decide. We enumerate every way to cut the runs of one row into the
row's cell count (no number has a leading zero), keep those that satisfy the
relations local to the row, and let the caller combine rows under the
column relations. Nothing is guessed: the caller uses a split only when
exactly one survives.

Bounded by construction: the number of cuttings is counted first (dynamic
programming over run positions, no cutting is built), and a row with more than
``limit`` of them, or with a run longer than any real row, is refused before
enumeration starts (``split_runs`` returns None: the table is unreadable).
Cuttings are then generated lazily, one at a time.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Callable, Iterator

Piece = tuple[int, int]  # (start, end) within a digit run
# a number as a cell holds it: no leading zero; an amount may have decimals (“5394432.52”)
_NUMBER = re.compile(r"(?:0|[1-9]\d*)(?:\.\d+)?")

MAX_RUN = 200  # characters in one row's glued runs; a real 7-cell row is at most a few dozen
MAX_NUMBER_DIGITS = 15  # a count cell beyond this is not a count (and would lose float precision)


def _first_lengths(run: str, k: int) -> Iterator[int]:
    """Lengths the first of ``k`` numbers cut from ``run`` may have. A run may hold one decimal
    amount glued to counts (“13575394432.52” = 1357 and 5394432.52): the point stays inside one number."""
    if "." not in run:  # the common case, kept fast: “0” alone, or a run not starting with 0
        yield from range(1, (1 if run[0] == "0" else len(run) - (k - 1)) + 1)
        return
    for n in range(1, len(run) - (k - 1) + 1):
        if run[0] == "0" and n > 1 and run[1] != ".":
            return
        if _NUMBER.fullmatch(run[:n]):
            yield n


@lru_cache(maxsize=4096)
def _count(run: str, k: int) -> int:
    """How many ways ``run`` cuts into ``k`` numbers (no cutting built)."""
    if k == 1:
        return 1 if _NUMBER.fullmatch(run) else 0
    if len(run) < k:
        return 0
    return sum(_count(run[n:], k - 1) for n in _first_lengths(run, k))


def _cuts(run: str, k: int) -> Iterator[tuple[str, ...]]:
    """All ways to cut ``run`` into ``k`` numbers without leading zeros, lazily."""
    if k == 1:
        if _NUMBER.fullmatch(run):
            yield (run,)
        return
    if len(run) < k:
        return
    for n in _first_lengths(run, k):
        if _count(run[n:], k - 1):
            for rest in _cuts(run[n:], k - 1):
                yield (run[:n], *rest)


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


def count_splits(runs: list[str], ncells: int) -> int:
    """The number of candidate rows ``split_runs`` would try."""
    total = 0
    for dist in _distributions([len(r) for r in runs], ncells):
        ways = 1
        for run, k in zip(runs, dist):
            ways *= _count(run, k)
            if not ways:
                break
        total += ways
    return total


def _too_long(num: str) -> bool:
    return len(num.split(".", 1)[0]) > MAX_NUMBER_DIGITS


def split_runs(runs: list[str], ncells: int, accept: Callable[[list[float]], bool],
               limit: int = 20000) -> list[list[tuple[float, int, int, int]]] | None:
    """Candidate rows: each a list of (value, run index, offset in run, length) per cell.

    ``accept`` gets the values and says whether the row's own relations hold.
    None when the row is beyond reading: runs over ``MAX_RUN`` characters, more numbers
    than digits allow, or more than ``limit`` cuttings to try (counted before any is built).
    """
    if ncells > 64 or sum(len(r) for r in runs) > MAX_RUN:
        return None
    if count_splits(runs, ncells) > limit:
        return None
    out: list[list[tuple[float, int, int, int]]] = []
    for dist in _distributions([len(r) for r in runs], ncells):
        per_run = [list(_cuts(run, k)) for run, k in zip(runs, dist)]  # each ≤ limit (counted above)
        for combo in _product(per_run):
            if any(_too_long(num) for numbers in combo for num in numbers):
                continue  # not a count: such a cutting is never the row's reading
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
