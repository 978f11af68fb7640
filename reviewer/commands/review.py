"""`reviewer review PATH...`: review drafts in this process, no services needed."""

from __future__ import annotations

import argparse
import sys


def register(sub) -> None:
    p = sub.add_parser("review", help="审核一份或多份年度报告草稿", description="审核年度报告草稿（.docx/.pdf/.doc/.wps/.rtf/.odt/.txt/.html/.md）。"
                       "退出码：0 无错误级问题；1 有错误级问题；2 输入或用法错误。")
    p.add_argument("paths", nargs="+", metavar="PATH", help="草稿文件")
    p.add_argument("--format", choices=["text", "json", "html", "docx", "pdf"], default="text",
                   help="输出格式：text（默认，中文摘要）、json、html（批注网页）、docx（带批注的Word）、"
                        "pdf（PDF 原稿加高亮批注）")
    p.add_argument("-o", "--output", help="html/docx/pdf 输出文件（多份草稿时为目录）")
    p.add_argument("--show-tables", action="store_true", help="text 输出中列出读到的各表格数值（核对读取是否正确）")
    p.add_argument("--no-llm", action="store_true", help="不调用大模型，只做规则审核")
    p.add_argument("--color", choices=["auto", "always", "never"], default="auto", help="终端颜色")
    p.add_argument("--baseline", metavar="上一稿.json",
                   help="上一稿的审核结果（--format json 的输出，或网页/API 下载的 JSON，可带处理意见）："
                        "列出已修改 / 新增 / 仍存在 / 已忽略；退出码只计未被忽略的错误")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from reviewer.errors import InputError
    from reviewer.findings import Review, ReviewError
    from reviewer.ingest import read_path
    from reviewer.pipeline import ReviewOptions, new_review_id, review_document

    options = ReviewOptions(use_llm=False if args.no_llm else None)
    if args.format in ("html", "docx", "pdf") and not args.output:
        print("错误：--format html/docx/pdf 需要用 -o 指定输出文件（usage: -o OUTPUT）", file=sys.stderr)
        return 2
    baseline = None
    if getattr(args, "baseline", None):
        from reviewer.commands.baseline import BaselineError, load_baseline

        if len(args.paths) != 1:
            print("错误：--baseline 只能与一份草稿一起使用（--baseline needs exactly one draft）", file=sys.stderr)
            return 2
        try:
            baseline = load_baseline(args.baseline)
        except BaselineError as exc:
            print(f"错误：{exc}", file=sys.stderr)
            return 2
    reviews: list[Review] = []
    failed = False
    for path in args.paths:
        try:
            doc = read_path(path)
        except InputError as exc:
            failed = True
            reviews.append(Review(review_id=new_review_id(options), source=str(path), status="failed",
                                  error=ReviewError(code=exc.code, message=exc.message)))
            continue
        review = review_document(doc, options)
        reviews.append(review)
        if args.format in ("html", "docx", "pdf"):
            from reviewer.render import AnnotationUnavailable

            try:
                _write_annotated(args, path, doc, review)
            except AnnotationUnavailable:
                print(f"{path}：{AnnotationUnavailable.message_zh}（{AnnotationUnavailable.message_en}）", file=sys.stderr)
                failed = True
    if baseline is not None and not failed and reviews[0].status == "ok":
        from reviewer.commands.baseline import emit_against

        return emit_against(args, reviews[0], baseline)
    return _emit(args, reviews, failed)


def _write_annotated(args, path, doc, review) -> None:
    from pathlib import Path

    from reviewer.render import write_annotated

    out = Path(args.output)
    if len(args.paths) > 1:
        out.mkdir(parents=True, exist_ok=True)
        out = out / f"{Path(path).stem}.审核.{args.format}"
    write_annotated(args.format, path, doc, review, out)
    c = review.counts()
    print(f"已写出：{out}（错误 {c['error']} · 警告 {c['warning']} · 提示 {c['info']}）")


def _emit(args, reviews, failed: bool) -> int:
    if args.format == "json":
        import json

        json.dump({"reviews": [r.model_dump(mode="json") for r in reviews]}, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:  # errors go to stderr; the summary of what could be reviewed to stdout
        for r in reviews:
            if r.status == "failed" and r.error:
                print(f"{r.source}：无法审核：{r.error.message} [{r.error.code}]", file=sys.stderr)
    if args.format == "text":
        from reviewer.render.terminal import render_text

        colour = args.color == "always" or (args.color == "auto" and sys.stdout.isatty())
        readable = [r for r in reviews if r.status != "failed"]
        if readable:
            texts = [render_text(r, colour) for r in readable]
            if getattr(args, "show_tables", False):  # what was read, to check against the draft
                from reviewer.render.tables_text import render_tables

                texts = [t + "\n\n" + render_tables(r) for t, r in zip(texts, readable)]
            print("\n\n".join(texts))
    if failed or any(r.status == "failed" for r in reviews):
        return 2
    return 1 if any(r.has_errors for r in reviews) else 0
