"""`reviewer worker`: a Celery worker for reviews and webhook deliveries, kept alive.

Celery's Redis transport can die with an “Unrecoverable error” when the broker
drops mid-poll (kombu closes a channel whose connection is already gone). A
submission is never lost to that — it is in the store, and the sweep re-queues
it — but a dead worker reviews nothing. So by default this command supervises:
it runs the Celery worker as a child process and starts it again when it exits
abnormally, with a growing pause; SIGTERM/SIGINT are passed on and end both.
``--no-supervise`` runs Celery in this process (for an external supervisor).
"""

from __future__ import annotations

import argparse

RESTART_PAUSE_MAX = 30.0  # seconds
STABLE_AFTER = 60.0  # a child that ran this long resets the pause


def register(subparsers) -> None:
    p = subparsers.add_parser("worker", help="启动审核任务 worker（Celery）",
                              description="启动 Celery worker，消费审核与 webhook 投递任务；异常退出时自动重启。")
    p.add_argument("--concurrency", "-c", type=int, default=2, help="worker 进程数（默认 2）")
    p.add_argument("--pool", choices=["prefork", "threads"], default="prefork",
                   help="并发方式：prefork（默认，多进程）或 threads（大模型审核等以等待为主的任务）")
    p.add_argument("--beat", action="store_true", help="同时运行定时清扫（重新排队卡住的任务、补发 webhook）")
    p.add_argument("--queues", "-Q", default="reviews,webhooks")
    p.add_argument("--loglevel", "-l", default="info")
    p.add_argument("--schedule-file", default=None, help="beat 调度文件路径（默认临时目录）")
    p.add_argument("--no-supervise", action="store_true",
                   help="不自动重启：在本进程内运行 Celery（由 systemd 等外部进程管理时使用）")
    p.set_defaults(func=run)


def celery_argv(args: argparse.Namespace) -> list[str]:
    import os

    argv = ["worker", f"--concurrency={args.concurrency}", f"--queues={args.queues}", f"--loglevel={args.loglevel}",
            f"--pool={args.pool}", "--without-mingle", "--without-gossip", f"--hostname=reviewer-{os.getpid()}@%h"]
    if args.beat:
        import tempfile

        schedule = args.schedule_file or os.path.join(tempfile.gettempdir(), f"reviewer-beat-{os.getpid()}")
        argv += ["--beat", f"--schedule={schedule}"]
    return argv


def child_argv(args: argparse.Namespace) -> list[str]:
    import sys

    argv = [sys.executable, "-m", "reviewer.cli", "worker", "--no-supervise",
            "--concurrency", str(args.concurrency), "--pool", args.pool, "--queues", args.queues,
            "--loglevel", args.loglevel]
    if args.beat:
        argv.append("--beat")
    if args.schedule_file:
        argv += ["--schedule-file", args.schedule_file]
    return argv


def run(args: argparse.Namespace) -> int:
    if args.no_supervise:
        return run_celery(args)
    return supervise(child_argv(args))


def run_celery(args: argparse.Namespace) -> int:
    from reviewer.store import get_engine, migrate
    from workers.celery_app import app

    migrate()
    get_engine().dispose()  # pool processes open their own connections
    app.worker_main(celery_argv(args))
    return 0


def supervise(argv: list[str]) -> int:
    import logging
    import signal
    import subprocess
    import time

    log = logging.getLogger("reviewer.worker")
    logging.basicConfig(level=logging.INFO, format="[%(asctime)s: %(levelname)s/Supervisor] %(message)s")
    stopping: list[int] = []
    child: subprocess.Popen | None = None

    def forward(signum, _frame):
        stopping.append(signum)
        if child is not None and child.poll() is None:
            child.send_signal(signum)

    signal.signal(signal.SIGTERM, forward)
    signal.signal(signal.SIGINT, forward)
    pause = 1.0
    while True:
        started = time.monotonic()
        child = subprocess.Popen(argv)
        code = child.wait()
        if stopping or code == 0:
            return code
        if time.monotonic() - started > STABLE_AFTER:
            pause = 1.0
        log.warning("Celery worker exited with code %s; restarting in %.0f s "
                    "(queued submissions are safe in the store)", code, pause)
        deadline = time.monotonic() + pause
        while time.monotonic() < deadline and not stopping:
            time.sleep(0.1)
        if stopping:
            return code
        pause = min(pause * 2, RESTART_PAUSE_MAX)
