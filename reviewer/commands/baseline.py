"""``reviewer review 修改稿 --baseline 上一稿.json``: the linters' baseline habit for review rounds.

The baseline is a previous review as JSON — ``reviewer review --format json`` output, the web page's
JSON download or ``GET /v1/reviews/{id}`` — optionally with decisions on its findings
(``"decision": {"decision": "dismissed", "reason": …}``). Findings are matched by fingerprint
(reviewer/fingerprint.py); a dismissal holds while the finding's fingerprint stays the same.
Exit code: 1 only for errors that are open and not dismissed, 0 otherwise.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from reviewer.fingerprint import compare, ensure_fingerprints


class BaselineError(Exception):
    pass


def load_baseline(path: str) -> dict:
    """The baseline's Review (JSON), its findings fingerprinted."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8-sig"))
    except FileNotFoundError as exc:
        raise BaselineError(f"找不到上一稿的审核结果 {path}（baseline not found）") from exc
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise BaselineError(f"{path} 不是审核结果 JSON（baseline is not review JSON: {exc}）") from exc
    review = data
    if isinstance(data, dict) and isinstance(data.get("reviews"), list) and data["reviews"]:
        review = data["reviews"][0]
    elif isinstance(data, dict) and isinstance(data.get("review"), dict):
        review = data["review"]
    if not isinstance(review, dict) or not isinstance(review.get("findings"), list):
        raise BaselineError(f"{path} 中没有审核意见列表（no findings in the baseline）")
    try:
        return ensure_fingerprints(review)
    except Exception as exc:  # a hand-edited finding the model refuses
        raise BaselineError(f"{path} 中的审核意见格式不正确（malformed findings: {exc}）") from exc


def _dismissed(baseline: dict) -> set[str]:
    return {f["fingerprint"] for f in baseline["findings"]
            if isinstance(f.get("decision"), dict) and f["decision"].get("decision") == "dismissed"}


def emit_against(args, review, baseline: dict) -> int:
    current = review.model_dump(mode="json")
    dismissed = _dismissed(baseline)
    delta = compare([f["fingerprint"] for f in baseline["findings"]],
                    [f["fingerprint"] for f in current["findings"]], dismissed)
    decisions = {f["fingerprint"]: f["decision"] for f in baseline["findings"] if f.get("decision")}
    for f in current["findings"]:  # decisions carry over to the same finding in this draft
        f["decision"] = decisions.get(f["fingerprint"])
    if args.format == "json":
        current["delta"] = dict(delta, previous_review_id=baseline.get("review_id"))
        json.dump({"reviews": [current]}, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    elif args.format == "text":
        from reviewer.render.delta_text import render_delta
        from reviewer.render.terminal import render_text

        colour = args.color == "always" or (args.color == "auto" and sys.stdout.isatty())
        by_fp = {f["fingerprint"]: f for f in current["findings"]}
        before = {f["fingerprint"]: f for f in baseline["findings"]}
        print(render_text(review, colour) + "\n\n" + render_delta(delta, by_fp, before, colour))
    must_fix = [f for f in current["findings"] if f["severity"] == "error" and f["fingerprint"] not in dismissed]
    return 1 if must_fix else 0
