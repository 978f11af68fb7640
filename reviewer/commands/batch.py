"""`reviewer batch DIR|ZIP`: review every draft of a folder or zip, then check them against each other."""

from __future__ import annotations

import argparse
import sys


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "batch", help="批量审核一个文件夹或 zip 中的全部报告，并做跨报告检查（上年结转、雷同）",
        description="批量审核：逐份审核文件夹或 zip 压缩包中的报告（.docx/.doc/.wps/.pdf/.rtf/.odt/.txt/.html/.md），再做跨报告检查："
                    "同一机关上下年度的结转衔接、现行有效件数，叙述雷同，同一机关重复提交。",
    )
    p.add_argument("source", metavar="DIR|ZIP", help="报告所在文件夹或 zip 压缩包")
    p.add_argument("-o", "--output", action="append", default=[], metavar="FILE",
                   help="汇总输出：.xlsx / .csv（*.findings.csv 为逐条意见）/ .html；可重复")
    p.add_argument("--reference", metavar="DIR|ZIP",
                   help="参考报告（如上年度各机关报告）：用于跨年度比对，本身不出审核意见")
    p.add_argument("-j", "--jobs", type=int, default=None, metavar="N", help="并行进程数（默认：CPU 核数，最多 8）")
    p.add_argument("--no-llm", action="store_true", help="不使用大模型，仅做规则审核")
    p.add_argument("--annotated", metavar="DIR", help="同时为每份报告输出带批注的文稿到该文件夹")
    p.add_argument("--annotated-format", choices=("docx", "html"), default="docx", help="批注文稿格式（默认 docx）")
    p.add_argument("--feedback", metavar="ZIP",
                   help="同时写出反馈包：各单位的“单位-年度-审核意见.docx/.pdf”与“修改意见通知单.docx”")
    p.add_argument("--sender", default="政务公开办", metavar="名称", help="通知单落款（默认“政务公开办”）")
    p.add_argument("--resubmit-by", metavar="YYYY-MM-DD", help="修改稿报送截止日期（默认 7 天后）")
    from reviewer.commands.review import add_profile_arguments

    add_profile_arguments(p)  # the same rule profile as `reviewer review`, on every report and the cross-report findings
    p.add_argument("--json", action="store_true", help="在标准输出打印全部审核结果 JSON（{\"reviews\": [...]}）")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from reviewer.batch.cli import run_batch

    return run_batch(args, sys.stdout, sys.stderr)
