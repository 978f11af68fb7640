"""Error localisation (Fellegi–Holt): the fewest cells whose correction satisfies every relation.

When several relations of a table break, they usually share a cause: one or
two wrong cells. We search the smallest sets of cells that touch every broken
relation (hitting sets), and keep those for which new values exist that make
all relations — broken and currently satisfied — hold, solving the linear
equations exactly over the rationals.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Iterable

from reviewer.formats.model import RelationInstance

MAX_CELLS = 3
MAX_SETS = 2000


@dataclass
class Fix:
    cells: dict[str, Fraction | None]  # ref → value it would need (None: not determined)


def localise(instances: list[RelationInstance], values: dict[str, float],
             broken: list[RelationInstance]) -> list[Fix]:
    """All minimum-size fixes (at most a few); empty if none up to MAX_CELLS cells."""
    usable = [i for i in instances if all(r in values for r in i.refs)]
    for size in range(1, MAX_CELLS + 1):
        fixes = []
        for cells in _hitting_sets(broken, size):
            solution = _solve(usable, values, cells)
            if solution is not None:
                fixes.append(Fix(solution))
        if fixes:
            return fixes
    return []


def _hitting_sets(broken: list[RelationInstance], size: int) -> Iterable[frozenset[str]]:
    seen: set[frozenset[str]] = set()

    def grow(chosen: frozenset[str]) -> Iterable[frozenset[str]]:
        if len(seen) > MAX_SETS:
            return
        open_ = [b for b in broken if not chosen.intersection(b.refs)]
        if not open_:
            if len(chosen) == size and chosen not in seen:
                seen.add(chosen)
                yield chosen
            return
        if len(chosen) == size:
            return
        target = min(open_, key=lambda b: len(b.refs))
        for ref in dict.fromkeys(target.refs):
            yield from grow(chosen | {ref})

    yield from grow(frozenset())


def _solve(instances: list[RelationInstance], values: dict[str, float],
           cells: frozenset[str]) -> dict[str, Fraction | None] | None:
    """Values for ``cells`` satisfying every instance, or None if impossible.

    Each instance is Σlhs − Σrhs = 0; known cells move to the right-hand side.
    Instances the cells do not touch must already hold.
    """
    var = sorted(cells)
    index = {v: i for i, v in enumerate(var)}
    rows: list[list[Fraction]] = []
    for inst in instances:
        touched = [r for r in inst.refs if r in index]
        if not touched:
            if _residual(inst, values) != 0:
                return None
            continue
        coeffs = [Fraction(0)] * len(var)
        const = Fraction(0)
        for sign, refs in ((1, inst.lhs), (-1, inst.rhs)):
            for ref in refs:
                if ref in index:
                    coeffs[index[ref]] += sign
                else:
                    const -= sign * _frac(values[ref])
        if any(coeffs):
            rows.append(coeffs + [const])
        elif const != 0:
            return None
    solution = _gauss(rows, len(var))
    if solution is None:
        return None
    out: dict[str, Fraction | None] = {}
    for v, x in zip(var, solution):
        if x is not None and (x < 0 or x.denominator != 1):
            return None  # counts are non-negative whole numbers
        out[v] = x
    if all(out[v] is not None and out[v] == _frac(values[v]) for v in var):
        return None  # changes nothing: these cells are not the cause
    return out


def _frac(v: float) -> Fraction:
    return Fraction(v).limit_denominator(10**6)


def _residual(inst: RelationInstance, values: dict[str, float]) -> float:
    r = sum(values[x] for x in inst.lhs) - sum(values[x] for x in inst.rhs)
    return 0 if abs(r) < 1e-6 else r


def _gauss(rows: list[list[Fraction]], n: int) -> list[Fraction | None] | None:
    """Row-reduce [A|b]; None if inconsistent; per variable its value or None if free."""
    m = [r[:] for r in rows]
    pivots: list[int] = []
    r = 0
    for c in range(n):
        p = next((i for i in range(r, len(m)) if m[i][c] != 0), None)
        if p is None:
            continue
        m[r], m[p] = m[p], m[r]
        piv = m[r][c]
        m[r] = [x / piv for x in m[r]]
        for i in range(len(m)):
            if i != r and m[i][c] != 0:
                f = m[i][c]
                m[i] = [a - f * b for a, b in zip(m[i], m[r])]
        pivots.append(c)
        r += 1
    for row in m[r:]:
        if row[n] != 0:
            return None
    out: list[Fraction | None] = [None] * n
    for i, c in enumerate(pivots):
        if all(m[i][k] == 0 for k in range(n) if k != c):
            out[c] = m[i][n]
    return out


def implied_value(blank: str, instances: list[RelationInstance], values: dict[str, float]) -> float | None:
    """The value a blank cell must hold for the relations it is the only unknown of."""
    found: set[float] = set()
    for inst in instances:
        if blank not in inst.refs:
            continue
        unknown = [r for r in inst.refs if r not in values]
        if unknown != [blank] and set(unknown) != {blank}:
            continue
        lhs = sum(values[r] for r in inst.lhs if r != blank)
        rhs = sum(values[r] for r in inst.rhs if r != blank)
        found.add(rhs - lhs if blank in inst.lhs else lhs - rhs)
    if len(found) == 1:
        v = found.pop()
        return v if v >= 0 else None
    return None
