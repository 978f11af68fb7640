"""The terminal view of a draft against its baseline (``reviewer review 修改稿 --baseline 上一稿.json``):
已修改 / 新增 / 仍存在 / 已忽略, each finding on one line."""

from __future__ import annotations

from reviewer.render.terminal import _COLOUR, _DIM, _LABEL, _RESET, _BOLD

_TITLES = (("fixed", "已修改"), ("new", "新增"), ("open", "仍存在"), ("dismissed", "已忽略"))


def render_delta(delta: dict, current: dict, baseline: dict, colour: bool = False) -> str:
    """``current`` and ``baseline``: fingerprint → finding (JSON); dismissed findings show their reason."""
    c = (lambda code, s: f"{code}{s}{_RESET}") if colour else (lambda code, s: s)
    counts = delta["counts"]
    out = [c(_BOLD, "与上一稿相比：" + " · ".join(f"{zh} {counts[k]}" for k, zh in _TITLES))]
    for key, zh in _TITLES:
        if not delta[key]:
            continue
        out.append("")
        out.append(c(_BOLD, f"【{zh}】"))
        for fp in delta[key]:
            f = (baseline if key == "fixed" else current)[fp]
            line = f"  {c(_COLOUR[f['severity']], _LABEL[f['severity']])} {f['message']} " + c(_DIM, f"[{f['rule_id']}]")
            out.append(line)
            reason = ((f.get("decision") or {}).get("reason") or "") if key == "dismissed" else ""
            if reason:
                out.append(c(_DIM, f"      不采纳理由：{reason}"))
    return "\n".join(out)
