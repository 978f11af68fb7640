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
    add_profile_arguments(p)
    p.add_argument("--statistics", action="store_true", help="只输出每条规则的发现数（所有草稿合计）")
    p.set_defaults(func=run)


def add_profile_arguments(p) -> None:
    """--select / --ignore / --config: the rule profile of `reviewer review` and `reviewer batch`."""
    p.add_argument("--select", metavar="规则", help="只运行这些规则（编号或前缀，逗号分隔，如 table3,period.title_vs_period）；"
                   "取代配置文件的 select")
    p.add_argument("--ignore", metavar="规则", help="不运行这些规则（编号或前缀，逗号分隔）；加在配置文件的 ignore 之后")
    p.add_argument("--config", metavar="文件", help="规则配置文件（reviewer.toml，或含 [tool.reviewer] 的 pyproject.toml）；"
                   "默认从当前目录向上查找")


CONFIG_FILES = ("reviewer.toml", "pyproject.toml")


def find_config(start) -> tuple[object, dict] | None:
    """The nearest reviewer.toml, or pyproject.toml with a [tool.reviewer] table, from ``start`` upwards."""
    import tomllib
    from pathlib import Path

    for folder in [Path(start).resolve(), *Path(start).resolve().parents]:
        for name in CONFIG_FILES:
            path = folder / name
            if not path.is_file():
                continue
            if name == "pyproject.toml":
                try:  # another project's pyproject.toml, even a broken one, is none of our business
                    data = tomllib.loads(path.read_text(encoding="utf-8")).get("tool", {}).get("reviewer")
                except (tomllib.TOMLDecodeError, UnicodeDecodeError):
                    continue
                if data is None:
                    continue
                return path, data
            return path, tomllib.loads(path.read_text(encoding="utf-8"))
    return None


def load_profile(args):
    """The rule profile of this run: config file, then --select / --ignore. None when nothing is set."""
    import tomllib
    from pathlib import Path

    from reviewer.checks.profile import from_mapping

    data, name = {}, "命令行"
    if args.config:
        path = Path(args.config)
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
        data = raw.get("tool", {}).get("reviewer", {}) if path.name == "pyproject.toml" else raw
        name = str(path)
    else:
        found = find_config(Path.cwd())
        if found:
            path, data = found
            name = str(path)
    data = dict(data)
    if args.select:
        data["select"] = [s for s in args.select.split(",") if s.strip()]
    if args.ignore:
        data["ignore"] = [*data.get("ignore", []), *[s for s in args.ignore.split(",") if s.strip()]]
    if not data:
        return None
    return from_mapping(data, name)


def load_profile_or_explain(args):
    """load_profile, with every failure (bad rule id, unreadable or broken file) as a ValueError whose
    text is the Chinese/English message for the user."""
    import tomllib

    from reviewer.checks.profile import ProfileError

    try:
        return load_profile(args)
    except ProfileError:
        raise
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ValueError(f"无法读取规则配置文件（cannot read the rule configuration: {exc}）") from exc


def run(args: argparse.Namespace) -> int:
    from reviewer.errors import InputError
    from reviewer.findings import Review, ReviewError
    from reviewer.ingest import read_path
    from reviewer.pipeline import ReviewOptions, new_review_id, review_document

    try:
        profile = load_profile_or_explain(args)
    except ValueError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 2
    options = ReviewOptions(use_llm=False if args.no_llm else None, profile=profile)
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
    from reviewer.render.anchors import card_counts

    c, folded = card_counts(review.findings)
    print(f"已写出：{out}（错误 {c['error']} · 警告 {c['warning']} · 提示 {c['info']}"
          + (f"；另有{folded}条由根因导致，已并入" if folded else "") + "）")


def _statistics(reviews) -> str:
    """Findings per rule over all drafts, most frequent first (modelled on ruff --statistics)."""
    from collections import Counter

    from reviewer.checks import RULES

    names = {"error": "错误", "warning": "警告", "info": "提示"}
    counts = Counter((f.rule_id, f.severity) for r in reviews for f in r.findings)
    lines = [f"{n:5}  {rule_id:36} {names[sev]}  {RULES[rule_id].title if rule_id in RULES else ''}"
             for (rule_id, sev), n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]
    return "\n".join(lines) if lines else "未发现问题。"


def _emit(args, reviews, failed: bool) -> int:
    if args.format == "json":
        import json

        json.dump({"reviews": [r.model_dump(mode="json") for r in reviews]}, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:  # errors go to stderr; the summary of what could be reviewed to stdout
        for r in reviews:
            if r.status == "failed" and r.error:
                print(f"{r.source}：无法审核：{r.error.message} [{r.error.code}]", file=sys.stderr)
    if getattr(args, "statistics", False) and args.format == "text":
        print(_statistics(reviews))
    elif args.format == "text":
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
