"""Readable Chinese summary of a Review for the terminal, grouped by section."""

from __future__ import annotations

from reviewer.findings import Finding, Review
from reviewer.formats import section_headings

_SECTION_NAMES = section_headings()
_LABEL = {"error": "错误", "warning": "警告", "info": "提示"}
_COLOUR = {"error": "\033[31m", "warning": "\033[33m", "info": "\033[36m"}
_RESET, _BOLD, _DIM = "\033[0m", "\033[1m", "\033[2m"


def _section_of(f: Finding) -> str | None:
    for loc in f.locations:
        if loc.section:
            return loc.section
    return None


def render_text(review: Review, colour: bool = False) -> str:
    c = (lambda code, s: f"{code}{s}{_RESET}") if colour else (lambda code, s: s)
    out = [c(_BOLD, f"== {review.source} ==")]
    if review.status == "failed" and review.error:
        out.append(c(_COLOUR["error"], f"无法审核：{review.error.message} [{review.error.code}]"))
        return "\n".join(out)
    rep = review.report
    head = [rep.agency or "（未识别单位）", f"{rep.year}年度" if rep.year else "（未识别年度）"]
    if rep.period.start:
        head.append(f"统计期限 {rep.period.start} 至 {rep.period.end}")
    out.append(" · ".join(head))
    from reviewer.render.anchors import card_counts, cards

    shown = cards(review.findings)
    n, folded = card_counts(review.findings)
    out.append(" · ".join(c(_COLOUR[k], f"{_LABEL[k]} {n[k]}") for k in ("error", "warning", "info"))
               + (f"（另有{folded}条由根因导致的勾稽关系不成立，已并入根因）" if folded else ""))
    if review.profile:
        out.append(profile_line(review))
    groups: dict[str | None, list] = {}
    for card in shown:
        groups.setdefault(_section_of(card.finding), []).append(card)
    for key in [None, *"一二三四五六"]:
        if key not in groups:
            continue
        out.append("")
        out.append(c(_BOLD, f"【{_SECTION_NAMES[key]}】" if key else "【全文】"))
        for card in groups[key]:
            f = card.finding
            out.append(f"  {c(_COLOUR[f.severity], _LABEL[f.severity])} {f.message} " + c(_DIM, f"[{f.rule_id}]"))
            where = _where(f)
            if where:
                out.append(c(_DIM, f"      位置：{where}"))
            if f.suggestion:
                out.append(f"      建议：{f.suggestion}")
            if card.derived:
                out.append(f"      由此导致{len(card.derived)}条勾稽关系不成立：")
                out.extend(c(_DIM, f"        · {d.message} [{d.rule_id}]") for d in card.derived)
    if not review.findings:
        out.append("未发现问题。")
    out.append("")
    out.append(_llm_line(review))
    return "\n".join(out)


def profile_line(review: Review) -> str:
    from reviewer.render.summary import profile_note

    return profile_note([review]) or ""


def _where(f: Finding) -> str:
    """Places as a reader names them, each once; internal block ids stay in the JSON."""
    from reviewer.render.anchors import grouped_places

    names = grouped_places(f.locations)
    shown = names[:4]
    if len(names) > len(shown):
        shown.append(f"等{len(names)}处")
    return "；".join(shown)


def _llm_line(review: Review) -> str:
    llm = review.llm
    if llm.status == "ok":
        return f"大模型审核：已完成（模型 {llm.model}，提示词版本 {llm.prompt_version}{'，命中缓存' if llm.cached else ''}）"
    if llm.status == "failed":
        code = (llm.error or {}).get("code", "")
        return f"大模型审核：失败（{code}），以上为规则审核结果，均完整有效"
    return f"大模型审核：已跳过。{llm.reason or ''}"
