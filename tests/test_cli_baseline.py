"""`reviewer review 修改稿 --baseline 上一稿.json` (issue 15): 已修改 / 新增 / 仍存在 / 已忽略, and exit 1 only for
open errors that are not dismissed."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.append(str(ROOT / "tests" / "service"))
from rounds_drafts import DISMISSED_RULE, REASON, REOPENED_RULE, V1, version_two  # noqa: E402


def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "reviewer", "review", *args, "--no-llm", "--color", "never"],
                          cwd=cwd, capture_output=True, text=True, timeout=120)


def _setup(tmp_path: Path, dismiss: tuple[str, ...]) -> None:
    first = _cli(str(V1), "--format", "json", cwd=tmp_path)
    assert first.returncode == 1
    data = json.loads(first.stdout)
    for f in data["reviews"][0]["findings"]:
        if f["rule_id"] in dismiss:
            f["decision"] = {"decision": "dismissed", "reason": REASON, "by": "张三", "at": None}
    (tmp_path / "上一稿.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    (tmp_path / "修改稿.txt").write_text(version_two(), encoding="utf-8")


def test_open_error_not_dismissed_exits_1(tmp_path):
    _setup(tmp_path, (DISMISSED_RULE,))
    out = _cli("修改稿.txt", "--baseline", "上一稿.json", cwd=tmp_path)
    assert out.returncode == 1, out.stderr
    assert "与上一稿相比：已修改 10 · 新增 0 · 仍存在 1 · 已忽略 1" in out.stdout
    ignored = out.stdout.split("【已忽略】", 1)[1]
    assert DISMISSED_RULE in ignored and f"不采纳理由：{REASON}" in ignored
    assert REOPENED_RULE in out.stdout.split("【仍存在】", 1)[1].split("【已忽略】", 1)[0]
    as_json = json.loads(_cli("修改稿.txt", "--baseline", "上一稿.json", "--format", "json", cwd=tmp_path).stdout)
    review = as_json["reviews"][0]
    assert review["delta"]["counts"] == {"fixed": 10, "new": 0, "open": 1, "dismissed": 1}
    assert [f["decision"]["reason"] for f in review["findings"] if f["rule_id"] == DISMISSED_RULE] == [REASON]


def test_every_remaining_error_dismissed_exits_0(tmp_path):
    _setup(tmp_path, (DISMISSED_RULE, REOPENED_RULE))
    out = _cli("修改稿.txt", "--baseline", "上一稿.json", cwd=tmp_path)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "仍存在 0 · 已忽略 2" in out.stdout


def test_bad_baseline_is_a_usage_error(tmp_path):
    (tmp_path / "bad.json").write_text("not json", encoding="utf-8")
    out = _cli(str(V1), "--baseline", "bad.json", cwd=tmp_path)
    assert out.returncode == 2 and "不是审核结果 JSON" in out.stderr and "Traceback" not in out.stderr
    missing = _cli(str(V1), "--baseline", "missing.json", cwd=tmp_path)
    assert missing.returncode == 2 and "找不到" in missing.stderr
    two = _cli(str(V1), str(V1), "--baseline", "bad.json", cwd=tmp_path)
    assert two.returncode == 2 and "只能与一份草稿" in two.stderr
