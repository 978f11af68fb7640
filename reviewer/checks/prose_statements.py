"""What the prose asserts beyond single counts: “all done”, shares and rates, and its own totals.

Each holds only under some reading of the tables (what “办结率” is a rate of, which
total a share is of), so a failure is a warning: likely wrong, not certain.
"""

from __future__ import annotations

from reviewer.checks.crossref import evaluate_reading, metric_cells
from reviewer.checks.registry import Context, check, declared, finding, fmt_num
from reviewer.extract.facts import Claim, ReportFacts
from reviewer.formats import own_format

ALL_DONE = declared("crossref.all_done_vs_table")
PERCENT = declared("crossref.percentage")
PROSE_BALANCE = declared("crossref.prose_totals")

# the metrics prose totals are grouped by (what 收到 and what 办结 may be stated as)
_RECEIVED = ("apply.received", "apply.new", "apply.new+apply.carried")
_CLOSED = ("apply.answered", "apply.processed", "apply.handled")
# what an “all closed” sentence about appeals is contradicted by, by the word it names
_PENDING = (("复议", "review.pending"), ("诉讼", "litigation.pending"))


@check(ALL_DONE)
def all_done_against_table(ctx: Context):
    facts = ctx.facts
    fmt = own_format(facts)
    for st in facts.statements:
        if st.kind == "all_done":
            (cell,) = metric_cells(fmt, facts, "apply.forward") or (None,)
            if cell is not None and cell.value:
                yield finding(ALL_DONE.id, f"正文称“{st.sentence}”，但表格中结转下年度继续办理的申请为{fmt_num(cell.value)}件",
                              [st.location, cell.location], expected="0", actual=fmt_num(cell.value),
                              evidence=[st.sentence],
                              suggestion="若确有申请结转下年度，改写为“除N件结转下年度继续办理外，其余均已办结”；否则核对表格")
        elif st.kind == "all_closed_appeals":
            metrics = [m for word, m in _PENDING if word in st.sentence] or [m for _, m in _PENDING]
            found = [metric_cells(fmt, facts, m) for m in metrics]
            cells = [c for got in found if got for c in got if c.value]
            if cells:
                pending = sum(c.value for c in cells)
                yield finding(ALL_DONE.id, f"正文称“{st.sentence}”，但表格中尚未审结的案件为{fmt_num(pending)}件",
                              [st.location, *(c.location for c in cells)], expected="0", actual=fmt_num(pending),
                              evidence=[st.sentence], suggestion="核对表格“尚未审结”栏与正文表述")


def _values(fmt, facts: ReportFacts, metric_ids: tuple[str, ...]) -> list[tuple[str, float]]:
    """Every value the metrics' readings take in the tables, with the reading's name (the readings
    engine: what a word can mean; the name says in a message what was computed)."""
    out = []
    for metric_id in metric_ids:
        for reading in fmt.readings(metric_id):
            got = evaluate_reading(fmt, facts, reading)
            if got is not None:
                out.append((reading.label, got[0]))
    return out


@check(PERCENT)
def percentages(ctx: Context):
    facts = ctx.facts
    fmt = own_format(facts)
    share, rate = fmt.ratio("apply.share"), fmt.ratio("apply.closed_rate")
    for st in facts.statements:
        if st.kind == "percent" and share is not None:
            count = _count_before(facts, st)
            if count is None or fmt.subject_of(count.metric) is not fmt.subject_of(share.denominators[0]):
                continue
            # each denominator with its name: the message must say what the share was computed of
            named = [(name, b) for name, b in _values(fmt, facts, share.denominators) if b]
            named += [(f"正文所述“{c.quote}”", c.value) for c in facts.claims
                      if c.metric in (*_RECEIVED, *_CLOSED) and c.value and c.location.block_id == st.location.block_id
                      and c.location.span[0] < count.location.span[0]]
            if not named or any(_printed_as(100 * count.value / b, st.value, st.location.text) for _, b in named):
                continue
            shown = "、".join(f"{fmt_num(count.value)}÷{fmt_num(b)}（{name}）＝{100 * count.value / b:.1f}%"
                             for name, b in dict.fromkeys(named))
            yield finding(PERCENT.id, f"正文称“{count.quote}”占{fmt_num(st.value)}%，但按哪一个总数计算都不是这个比例（{shown}）",
                          [st.location, count.location], actual=f"{fmt_num(st.value)}%", evidence=[st.sentence],
                          suggestion="按“该项数量÷申请总数×100%”重新计算，并写明是占哪个总数的比例")
        elif st.kind == "rate" and rate is not None:
            received = [(name, v) for name, v in _values(fmt, facts, rate.denominators) if v]
            closed_named = _values(fmt, facts, (rate.numerator,))
            closed = [v for _, v in closed_named]
            if not received or not closed:
                continue
            rates = {100 * c / r for _, r in received for c in closed}
            if any(_printed_as(r, st.value, st.location.text) for r in rates):
                continue
            base_name, base = received[-1]  # the widest reading that could be read (新收＋上年结转 when there)
            closed_name, main = closed_named[0][0], 100 * closed[0] / base
            yield finding(PERCENT.id, f"正文称{rate.label}为{fmt_num(st.value)}%，但按表格计算（{closed_name}÷{base_name}）"
                          f"为{main:.1f}%，按其他口径也不是{fmt_num(st.value)}%",
                          [st.location], actual=f"{fmt_num(st.value)}%", evidence=[st.sentence],
                          suggestion="有申请结转下年度时，办结率不是100%；按表格重新计算或删去该比率")


@check(PROSE_BALANCE)
def prose_totals(ctx: Context):
    """收到 (+上年结转) = 办结 + 结转下年度, with the numbers the prose itself states."""
    facts = ctx.facts
    for section in {c.location.section for c in facts.claims}:
        stated = _single_values(facts, section)
        received = stated.get("received")
        closed = stated.get("closed")
        forward = stated.get("apply.forward")
        if received is None or closed is None or forward is None:
            continue
        carried = stated.get("apply.carried")
        ins = {received[0].value}
        if received[0].metric != "apply.new+apply.carried" and carried is not None:
            ins.add(received[0].value + carried[0].value)
        if carried is None and received[0].metric != "apply.new+apply.carried":
            continue  # without the carried-over number the prose cannot be balanced on its own
        outs = {closed[0].value + forward[0].value}
        if closed[0].metric == "apply.processed":
            outs.add(closed[0].value)  # 办理 may already include what is carried forward
        if carried is not None:
            outs.add(closed[0].value + carried[0].value + forward[0].value)  # 办结 of this year's new ones only
        if ins & outs:
            continue
        claims = [received[0], *(carried or []), closed[0], forward[0]]
        yield finding(PROSE_BALANCE.id,
                      f"正文称收到{fmt_num(received[0].value)}件"
                      + (f"、上年结转{fmt_num(carried[0].value)}件" if carried else "")
                      + f"，办结{fmt_num(closed[0].value)}件、结转下年度{fmt_num(forward[0].value)}件，"
                      "收到与上年结转之和不等于办结与结转下年度之和",
                      [c.location for c in claims], evidence=[c.quote for c in claims],
                      expected=fmt_num(min(ins)), actual=fmt_num(min(outs)),
                      suggestion="核对正文中的收到、上年结转、办结和结转下年度数字，使“收到＋上年结转＝办结＋结转下年度”")


def _single_values(facts: ReportFacts, section: str | None) -> dict[str, list[Claim]]:
    """The totals one section states, each only when it states a single value for it."""
    groups: dict[str, list[Claim]] = {}
    for c in facts.claims:
        if c.location.section != section or c.part_of or c.origin != "rule":
            continue
        key = "received" if c.metric in _RECEIVED else "closed" if c.metric in _CLOSED else c.metric
        groups.setdefault(key, []).append(c)
    return {k: v for k, v in groups.items() if len({c.value for c in v}) == 1}


def _count_before(facts: ReportFacts, st) -> Claim | None:
    """The count a share follows: the claim ending just before it in the same block."""
    best = None
    for c in facts.claims:
        if c.location.block_id == st.location.block_id and c.location.span and \
                0 <= st.location.span[0] - c.location.span[1] <= 12:
            best = c
    return best


def _printed_as(exact: float, printed: float, text: str | None) -> bool:
    """Whether ``exact`` rounds (or truncates) to ``printed`` at the precision it is printed with."""
    digits = len((text or "").split(".")[1].rstrip("%％ ")) if text and "." in text else 0
    step = 10 ** -digits
    return abs(exact - printed) < step + 1e-9
