"""`reviewer` command line. Sub-commands live in reviewer/commands/, one module each.

Start-up stays light: only argparse runs before a sub-command is chosen; each
handler imports what it needs.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from reviewer.commands import COMMAND_MODULES


def build_parser() -> argparse.ArgumentParser:
    from reviewer.argparse_zh import install

    install()  # usage and errors in Chinese
    parser = argparse.ArgumentParser(
        prog="reviewer",
        description="政府信息公开工作年度报告审核助手：检查年度、表格勾稽、正文与表格一致性、结构与格式。",
    )
    sub = parser.add_subparsers(dest="command", metavar="命令")
    for name in COMMAND_MODULES:
        importlib.import_module(f"reviewer.commands.{name}").register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except KeyboardInterrupt:
        print("已中断（interrupted）", file=sys.stderr)
        return 130
    except BrokenPipeError:  # `reviewer review x | head`: the reader left; no traceback
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # the final flush must not fail
        return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
