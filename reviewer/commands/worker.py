"""`reviewer worker`: Celery workers for reviews and webhook deliveries, kept alive.

Two pools by default (issue 17): reviews on the ``reviews`` queue (prefork,
``--concurrency`` processes) and webhook deliveries plus the sweep on the
``webhooks`` queue (a thread pool of ``--delivery-concurrency``), so slow
receivers can never occupy the processes that review. ``--queues`` runs one pool
for the given queues instead (e.g. deliveries on another host).

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
    p.add_argument("--queues", "-Q", default=None,
                   help="只运行一个池，消费这些队列（reviews、webhooks，逗号分隔）；默认两个池：审核与 webhook 投递")
    p.add_argument("--delivery-concurrency", type=int, default=4,
                   help="webhook 投递池的线程数（默认 4）；0：不启动投递池（另行运行 --queues webhooks）")
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


def pools(args: argparse.Namespace) -> list[tuple[str, str, int, bool]]:
    """(queues, pool, concurrency, beat) of each Celery worker this command runs."""
    from workers.celery_app import REVIEW_QUEUE, WEBHOOK_QUEUE

    if args.queues:
        return [(args.queues, args.pool, args.concurrency, args.beat)]
    if args.delivery_concurrency <= 0:
        return [(REVIEW_QUEUE, args.pool, args.concurrency, args.beat)]
    return [(REVIEW_QUEUE, args.pool, args.concurrency, False),
            (WEBHOOK_QUEUE, "threads", args.delivery_concurrency, args.beat)]


def child_argv(args: argparse.Namespace, queues: str, pool: str, concurrency: int, beat: bool) -> list[str]:
    import sys

    argv = [sys.executable, "-m", "reviewer.cli", "worker", "--no-supervise",
            "--concurrency", str(concurrency), "--pool", pool, "--queues", queues, "--loglevel", args.loglevel]
    if beat:
        argv.append("--beat")
        if args.schedule_file:
            argv += ["--schedule-file", args.schedule_file]
    return argv


def run(args: argparse.Namespace) -> int:
    if args.no_supervise:
        if not args.queues:
            import sys

            print("reviewer worker --no-supervise 只运行一个池，请用 --queues 指定：reviews（审核）或 webhooks"
                  "（投递与清扫），两者各运行一个（--no-supervise runs one pool: pass --queues reviews or "
                  "--queues webhooks, and run one of each）", file=sys.stderr)
            return 2
        return run_celery(args)
    return supervise([child_argv(args, *pool) for pool in pools(args)])


def run_celery(args: argparse.Namespace) -> int:
    from reviewer.store import get_engine, migrate
    from workers.celery_app import app

    migrate()
    get_engine().dispose()  # pool processes open their own connections
    app.worker_main(celery_argv(args))
    return 0


def supervise(argvs: list[list[str]]) -> int:
    """Run each Celery worker as a child; restart one that exits abnormally (with a growing pause),
    pass SIGTERM/SIGINT on to all and end with them."""
    import logging
    import signal
    import subprocess
    import time

    log = logging.getLogger("reviewer.worker")
    logging.basicConfig(level=logging.INFO, format="[%(asctime)s: %(levelname)s/Supervisor] %(message)s")
    stopping: list[int] = []
    children: list[subprocess.Popen | None] = [None] * len(argvs)

    def forward(signum, _frame):
        stopping.append(signum)
        for child in children:
            if child is not None and child.poll() is None:
                child.send_signal(signum)

    signal.signal(signal.SIGTERM, forward)
    signal.signal(signal.SIGINT, forward)
    pauses = [1.0] * len(argvs)
    started = [0.0] * len(argvs)
    restart_at: list[float | None] = [time.monotonic()] * len(argvs)
    while True:
        now = time.monotonic()
        for i, argv in enumerate(argvs):
            if restart_at[i] is not None and now >= restart_at[i] and not stopping:
                children[i], started[i], restart_at[i] = subprocess.Popen(argv), now, None
        time.sleep(0.1)
        codes = [c.poll() if c is not None else None for c in children]
        if stopping:
            for child in children:
                if child is not None:
                    child.wait()
            return max((c.returncode or 0) for c in children if c is not None) if any(children) else 0
        for i, code in enumerate(codes):
            if code is None or restart_at[i] is not None:
                continue
            if code == 0:  # a clean exit of one pool (never asked for): stop the others too
                forward(signal.SIGTERM, None)
                break
            if time.monotonic() - started[i] > STABLE_AFTER:
                pauses[i] = 1.0
            log.warning("Celery worker (%s) exited with code %s; restarting in %.0f s "
                        "(queued submissions are safe in the store)", _queues_of(argvs[i]), code, pauses[i])
            restart_at[i] = time.monotonic() + pauses[i]
            pauses[i] = min(pauses[i] * 2, RESTART_PAUSE_MAX)


def _queues_of(argv: list[str]) -> str:
    return argv[argv.index("--queues") + 1] if "--queues" in argv else "?"
