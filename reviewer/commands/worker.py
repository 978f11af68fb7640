"""`reviewer worker`: a Celery worker for reviews and webhook deliveries."""

from __future__ import annotations

import argparse


def register(subparsers) -> None:
    p = subparsers.add_parser("worker", help="启动审核任务 worker（Celery）",
                              description="启动 Celery worker，消费审核与 webhook 投递任务。")
    p.add_argument("--concurrency", "-c", type=int, default=2, help="worker 进程数（默认 2）")
    p.add_argument("--beat", action="store_true", help="同时运行定时清扫（重新排队卡住的任务、补发 webhook）")
    p.add_argument("--queues", "-Q", default="reviews,webhooks")
    p.add_argument("--loglevel", "-l", default="info")
    p.add_argument("--schedule-file", default=None, help="beat 调度文件路径（默认临时目录）")
    p.set_defaults(func=run)


def celery_argv(args: argparse.Namespace) -> list[str]:
    import os

    argv = ["worker", f"--concurrency={args.concurrency}", f"--queues={args.queues}", f"--loglevel={args.loglevel}",
            "--pool=prefork", "--without-mingle", "--without-gossip", f"--hostname=reviewer-{os.getpid()}@%h"]
    if args.beat:
        import tempfile

        schedule = args.schedule_file or os.path.join(tempfile.gettempdir(), f"reviewer-beat-{os.getpid()}")
        argv += ["--beat", f"--schedule={schedule}"]
    return argv


def run(args: argparse.Namespace) -> int:
    from reviewer.store import get_engine, migrate
    from workers.celery_app import app

    migrate()
    get_engine().dispose()  # pool processes open their own connections
    app.worker_main(celery_argv(args))
    return 0
