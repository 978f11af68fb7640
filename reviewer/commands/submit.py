"""`reviewer submit FILE`: send a draft to a running service (a client of the HTTP API)."""

from __future__ import annotations

import argparse


def register(subparsers) -> None:
    p = subparsers.add_parser("submit", help="向审核服务提交报告草稿",
                              description="通过 HTTP API 提交草稿；--wait 等待审核完成并输出结果。")
    p.add_argument("file", help="报告草稿文件")
    p.add_argument("--callback", help="审核完成后接收 webhook 的地址")
    p.add_argument("--wait", action="store_true", help="等待审核完成并输出审核结果（中文摘要；--format json 输出 JSON）")
    p.add_argument("--format", choices=["text", "json"], default="text", help="输出格式：text（默认，中文摘要）或 json")
    p.add_argument("--timeout", type=float, default=300.0, help="--wait 最长等待秒数（默认 300）")
    p.add_argument("--url", help="服务地址（默认 REVIEWER_API_URL 或 http://127.0.0.1:8000）")
    p.add_argument("--api-key", help="API 密钥（默认 REVIEWER_API_KEY）")
    p.add_argument("--idempotency-key", help="幂等键：同一键与同一内容只提交一次")
    p.add_argument("--no-llm", action="store_true", help="不使用大模型审核")
    p.add_argument("--report-key", help="报告标识：作为该报告的新版本（不填则按机关与年度自动归并）")
    p.add_argument("--previous", metavar="REVIEW_ID", help="上一稿的审核 id：作为该报告的下一版本")
    p.set_defaults(func=run)


def _fail(msg: str) -> int:
    import sys

    print(msg, file=sys.stderr)
    return 2


def run(args: argparse.Namespace) -> int:
    import json
    import time
    from pathlib import Path

    import httpx

    from reviewer.settings import get_settings

    settings = get_settings()
    key = args.api_key or settings.api_key
    if not key:
        return _fail("缺少 API 密钥：使用 --api-key 或设置 REVIEWER_API_KEY（missing API key）")
    path = Path(args.file)
    if not path.is_file():
        return _fail(f"找不到文件：{path}（no such file）")
    headers = {"Authorization": f"Bearer {key}"}
    if args.idempotency_key:
        headers["Idempotency-Key"] = args.idempotency_key
    data = {"use_llm": "false"} if args.no_llm else {}
    if args.callback:
        data["callback_url"] = args.callback
    for field, value in (("report_key", args.report_key), ("previous_review_id", args.previous)):
        if value:
            data[field] = value
    base = (args.url or settings.api_url).rstrip("/")
    try:
        with httpx.Client(base_url=base, headers=headers, timeout=30.0) as client:
            resp = client.post("/v1/reviews", files={"file": (path.name, path.read_bytes())}, data=data)
            if resp.status_code >= 400:
                return _fail(_error_text(resp))
            sub = resp.json()
            if not args.wait:
                if args.format == "json":
                    print(json.dumps(sub, ensure_ascii=False, indent=2))
                else:
                    print(f"已提交：{sub['id']}（{_STATUS_ZH.get(sub['status'], sub['status'])}）；"
                          f"加 --wait 等待结果，或查询 {base}/v1/reviews/{sub['id']}")
                return 0
            deadline = time.monotonic() + args.timeout
            while True:
                status = client.get(f"/v1/reviews/{sub['id']}").json()
                if status["status"] in ("done", "error"):
                    break
                if time.monotonic() > deadline:
                    return _fail(f"等待超时，审核仍在进行：{sub['id']}（timed out waiting）")
                time.sleep(0.5)
    except httpx.HTTPError as exc:
        return _fail(f"无法连接审核服务 {base}：{exc}（cannot reach the service）")
    review = status.get("review") or {}
    if args.format == "json":
        print(json.dumps(status, ensure_ascii=False, indent=2))
    else:
        _print_summary(status, review)
    if review.get("status") != "ok":
        return 2
    # errors dismissed on an earlier version of the report (issue 15) do not count
    return 1 if (status.get("open_counts") or status.get("counts") or {}).get("error") else 0


_STATUS_ZH = {"queued": "排队中", "running": "审核中", "done": "已完成", "error": "未能完成"}


def _print_summary(status: dict, review: dict) -> None:
    """The same Chinese summary as `reviewer review`; a review that could not be done goes to stderr."""
    import sys

    from reviewer.findings import Review
    from reviewer.render.terminal import render_text

    if not review or review.get("status") == "failed":
        err = (review or {}).get("error") or status.get("error") or {}
        print(f"{status.get('filename') or status['id']}：无法审核：{err.get('message', '')} [{err.get('code', '')}]",
              file=sys.stderr)
        return
    print(render_text(Review.model_validate(review), colour=sys.stdout.isatty()))


def _error_text(resp) -> str:
    try:
        err = resp.json()["error"]
        return f"提交失败（HTTP {resp.status_code}）：{err['message']}"
    except Exception:
        return f"提交失败（HTTP {resp.status_code}）：{resp.text[:300]}"
