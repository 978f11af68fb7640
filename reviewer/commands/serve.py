"""`reviewer serve`: the HTTP API (uvicorn)."""

from __future__ import annotations

import argparse


def register(subparsers) -> None:
    p = subparsers.add_parser("serve", help="启动审核服务 HTTP API", description="启动 HTTP API（FastAPI + uvicorn）。")
    p.add_argument("--host", default="127.0.0.1", help="监听地址（默认 127.0.0.1）")
    p.add_argument("--port", type=int, default=8000, help="端口（默认 8000）")
    p.add_argument("--workers", type=int, default=1, help="uvicorn 进程数（默认 1）")
    p.add_argument("--log-level", default="info")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    import uvicorn

    from reviewer.store import migrate

    import copy

    from uvicorn.config import LOGGING_CONFIG

    from reviewer.api.http_protocol import protocol_class

    migrate()
    log_config = copy.deepcopy(LOGGING_CONFIG)  # the service's own loggers at the same level, same format
    log_config["loggers"]["reviewer"] = {"handlers": ["default"], "level": args.log_level.upper(), "propagate": False}
    uvicorn.run("reviewer.api.app:create_app", factory=True, host=args.host, port=args.port,
                workers=args.workers, log_level=args.log_level, access_log=args.log_level == "debug",
                log_config=log_config,
                http=protocol_class())  # httptools: pipelining, and a deadline for the headers
    return 0
