"""`reviewer dev`: API + worker + beat on one machine, for a first try."""

from __future__ import annotations

import argparse


def register(subparsers) -> None:
    p = subparsers.add_parser("dev", help="一键启动 API、worker 与定时清扫（本机试用）",
                              description="在本机同时启动 HTTP API、Celery worker 和 beat，Ctrl-C 全部退出。")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--concurrency", "-c", type=int, default=2)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    import signal
    import subprocess
    import sys
    import tempfile
    import time

    from reviewer.store import get_engine, migrate

    def _stop(_signum, _frame):
        raise KeyboardInterrupt  # SIGTERM stops the children like Ctrl-C does

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    migrate()  # once, before the children start
    get_engine().dispose()
    base = [sys.executable, "-m", "reviewer.cli"]
    scratch = tempfile.TemporaryDirectory(prefix="reviewer-dev-")  # beat's schedule file, removed on exit
    children = [
        subprocess.Popen(base + ["serve", "--host", args.host, "--port", str(args.port)]),
        subprocess.Popen(base + ["worker", "--beat", "--concurrency", str(args.concurrency),
                                 "--schedule-file", f"{scratch.name}/beat-schedule"]),
    ]
    print(f"审核服务已启动：网页 http://{args.host}:{args.port}/web/ ，接口文档 http://{args.host}:{args.port}/docs ；"
          "创建密钥：reviewer apikey create --tenant 名称", file=sys.stderr)
    code = 0
    try:
        while all(c.poll() is None for c in children):
            time.sleep(0.5)
        code = next(c.returncode for c in children if c.poll() is not None) or 1
        print("有子进程意外退出，正在停止其余进程（a child exited; stopping）", file=sys.stderr)
    except KeyboardInterrupt:
        pass
    finally:
        for c in children:
            if c.poll() is None:
                c.terminate()
        for c in children:
            try:
                c.wait(timeout=15)
            except subprocess.TimeoutExpired:
                c.kill()
        scratch.cleanup()
    return code
