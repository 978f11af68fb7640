"""`reviewer review draft.docx --format docx|html -o …` as a user runs it."""

from __future__ import annotations

import json
import subprocess
import sys

import docx

from drafts import anchored_texts


def test_review_format_docx_and_html(tmp_path):
    from reportgen import consistent_spec, to_docx

    spec = consistent_spec(agency="某市审计局", year=2023, seed=4, zero_applications=False)
    spec.table3["new"]["natural"] += 2  # row total and column balance no longer hold
    src = tmp_path / "draft.docx"
    src.write_bytes(to_docx(spec))
    out = tmp_path / "draft.审核.docx"
    proc = subprocess.run([sys.executable, "-m", "reviewer.cli", "review", str(src), "--no-llm", "--format", "docx",
                           "-o", str(out)], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1, proc.stderr  # error-level findings
    wd = docx.Document(str(out))
    comments = list(wd.comments)
    assert comments and all(c.author == "审核助手" for c in comments)
    anchored = anchored_texts(wd)
    assert all(anchored[str(c.comment_id)] for c in comments)  # every comment covers some text
    html = tmp_path / "draft.审核.html"
    proc = subprocess.run([sys.executable, "-m", "reviewer.cli", "review", str(src), "--no-llm", "--format", "html",
                           "-o", str(html)], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1, proc.stderr
    proc = subprocess.run([sys.executable, "-m", "reviewer.cli", "review", str(src), "--no-llm", "--format", "json"],
                          capture_output=True, text=True, timeout=120)
    findings = json.loads(proc.stdout)["reviews"][0]["findings"]
    assert html.read_text("utf-8").count('class="finding ') == len(findings)  # derived ones nested in their root
    roots = [f for f in findings if not f["derived_from"]]
    assert len(comments) == len(roots) < len(findings)  # one comment per card: root cause with its relations folded
    (root,) = [c for c in comments if "由此导致" in c.text]
    assert "应为" not in root.text and "位置：表三" in root.text
