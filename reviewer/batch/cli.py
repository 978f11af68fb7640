"""The body of `reviewer batch`: read, review in parallel with a progress bar, cross-check, write."""

from __future__ import annotations

import json
from pathlib import Path

from reviewer.batch.runner import Item, cross_check, review_all
from reviewer.batch.sources import read_sources
from reviewer.errors import InputError


def _progress(console, label: str):
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

    return Progress(TextColumn(label), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                    TextColumn("剩余"), TimeRemainingColumn(), console=console, transient=False)


def _review(console, sources, jobs, use_llm, label: str, profile=None) -> list[Item]:
    with _progress(console, label) as progress:
        task = progress.add_task(label, total=len(sources))
        return review_all(sources, jobs=jobs, use_llm=use_llm, on_done=lambda _: progress.advance(task),
                          profile=profile)


def run_batch(args, stdout, stderr) -> int:
    from rich.console import Console

    err = Console(file=stderr)
    use_llm = False if args.no_llm else None
    from reviewer.commands.review import load_profile_or_explain

    try:
        profile = load_profile_or_explain(args)
    except ValueError as exc:
        err.print(f"[red]错误：[/red]{exc}", highlight=False)
        return 2
    try:
        sources = read_sources(args.source)
        reference_sources = [s for s in read_sources(args.reference) if not s.skipped] if args.reference else []
    except InputError as exc:
        err.print(f"[red]错误：[/red]{exc.message}", highlight=False)
        return 2
    others = [s.name for s in sources if s.skipped]
    sources = [s for s in sources if not s.skipped]
    if not sources:
        err.print(f"[red]错误：[/red]{args.source} 中没有可审核的报告（.docx/.doc/.wps/.pdf/.rtf/.odt/.txt/.html/.md）"
                  "（no drafts found）", highlight=False)
        return 2
    if getattr(args, "resubmit_by", None):
        from datetime import date

        try:
            date.fromisoformat(args.resubmit_by)
        except ValueError:
            err.print(f"[red]错误：[/red]--resubmit-by 须为日期，如 2025-01-25（{args.resubmit_by}）", highlight=False)
            return 2
    for out in args.output:
        if Path(out).suffix.lower() not in (".xlsx", ".csv", ".html", ".htm"):
            err.print(f"[red]错误：[/red]不支持的汇总格式：{out}（请用 .xlsx、.csv 或 .html）", highlight=False)
            return 2
    items = _review(err, sources, args.jobs, use_llm, "审核", profile)
    items, skipped = split_skipped(items, others)
    if not items:
        _print_skipped(err, skipped)
        err.print(f"[red]错误：[/red]{args.source} 中没有政府信息公开工作年度报告（no reports found）", highlight=False)
        return 2
    reference = _review(err, reference_sources, args.jobs, False, "参考报告") if reference_sources else []
    added = cross_check(items, reference, profile)
    reviews = [i.review for i in items]
    from reviewer.render.summary import write_summary

    for out in args.output:
        write_summary(reviews, out)
        err.print(f"已写出汇总：{out}", highlight=False)
    if args.annotated:
        _write_annotated(items, {s.name: s.data for s in sources}, Path(args.annotated), args.annotated_format, err)
    if getattr(args, "feedback", None):
        _write_feedback(items, {s.name: s.data for s in sources}, args, err)
    if args.json:
        stdout.write(json.dumps({"reviews": [r.model_dump(mode="json") for r in reviews],
                                 "skipped": [{"file": n, "reason": why} for n, why in skipped]}, ensure_ascii=False))
        stdout.write("\n")
    else:
        _print_table(Console(file=stdout), items, added)
        _print_skipped(Console(file=stdout), skipped)
    return 1 if any(r.has_errors for r in reviews) else 0


NOT_A_REPORT_REASON = "不是政府信息公开工作年度报告（如说明文件、附件）"
OTHER_TYPE_REASON = "不是可审核的报告文件类型（支持 .docx/.doc/.wps/.pdf/.rtf/.odt/.txt/.html/.md）"


def split_skipped(items: list[Item], others: list[str]) -> tuple[list[Item], list[tuple[str, str]]]:
    """Reports on one side; on the other, files that are not reports at all (a README.md, an .xlsx
    attachment) with the reason — they are neither 无法审核 rows nor annotated."""
    from reviewer.errors import NOT_A_REPORT

    reports, skipped = [], []
    for item in items:
        if item.review.error is not None and item.review.error.code == NOT_A_REPORT:
            skipped.append((item.name, NOT_A_REPORT_REASON))
        else:
            reports.append(item)
    skipped += [(name, OTHER_TYPE_REASON) for name in others]
    return reports, sorted(skipped)


def _print_skipped(console, skipped: list[tuple[str, str]]) -> None:
    if skipped:
        console.print(f"已跳过 {len(skipped)} 个非报告文件：", highlight=False)
        for name, why in skipped:
            console.print(f"  {name}：{why}", highlight=False, markup=False)


def _write_annotated(items: list[Item], originals: dict[str, bytes | None], folder: Path, fmt: str, err) -> None:
    from reviewer.render import annotated_bytes

    folder.mkdir(parents=True, exist_ok=True)
    for item in items:
        if item.doc is None:
            continue
        original = originals.get(item.name) if item.doc.media_type == "docx" else None
        target = folder / (Path(item.name).with_suffix("").as_posix().replace("/", "_") + f".审核.{fmt}")
        target.write_bytes(annotated_bytes(fmt, original, item.doc, item.review))
    err.print(f"已写出批注文稿：{folder}", highlight=False)


def _write_feedback(items: list[Item], originals: dict[str, bytes | None], args, err) -> None:
    """The feedback package (issue 16): each report annotated and the 修改意见通知单."""
    from datetime import date

    from reviewer.batch.rows import advice, reason_zh
    from reviewer.render.package import PackageDraft, feedback_zip

    drafts = []
    for item in items:
        r = item.review
        if r.status == "ok":
            drafts.append(PackageDraft(r.report.agency or Path(item.name).stem, item.name, originals.get(item.name), r))
        else:
            code = r.error.code if r.error else None
            drafts.append(PackageDraft("", item.name, None, None, reason=reason_zh(r.error.message if r.error else ""),
                                       advice=advice(code)))
    resubmit_by = date.fromisoformat(args.resubmit_by) if args.resubmit_by else None  # checked before the reviews
    Path(args.feedback).write_bytes(feedback_zip(drafts, args.sender, date.today(), resubmit_by))
    err.print(f"已写出反馈包：{args.feedback}", highlight=False)


def _print_table(console, items: list[Item], added: int) -> None:
    from rich.table import Table

    from reviewer.render.summary import STATUS_ZH, profile_note, top_problems

    title = f"批量审核结果：{len(items)} 份报告，跨报告意见 {added} 条"
    note = profile_note([i.review for i in items])
    table = Table(title=f"{title}\n{note}" if note else title)
    for col in ("文件", "机关", "年度", "状态", "错误", "警告", "主要问题"):
        table.add_column(col, overflow="fold")
    for item in items:
        r = item.review
        c = r.counts()
        table.add_row(item.name, r.report.agency or "", str(r.report.year or ""), STATUS_ZH.get(r.status, r.status),
                      str(c["error"]), str(c["warning"]),
                      r.error.message if r.error else "；".join(top_problems(r, 2)))
    console.print(table)
