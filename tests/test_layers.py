"""The layers hold (issue 15): import-linter contracts in .importlinter, and no web page reaches for a
private helper of the API modules (the two are peers that share the services)."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_import_contracts_are_kept():
    proc = subprocess.run([sys.executable, "-c", "import sys; from importlinter.cli import lint_imports; "
                           "sys.exit(lint_imports(config_filename='.importlinter', no_cache=True, no_logo=True))"],
                          cwd=ROOT, capture_output=True, text=True, timeout=300,
                          env=dict(os.environ, PYTHONPATH=str(ROOT)))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "3 kept, 0 broken" in proc.stdout


def _private_api_imports(path: Path) -> list[str]:
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("reviewer.api"):
            out += [f"{path.name}: {node.module}.{a.name}" for a in node.names if a.name.startswith("_")]
    return out


def test_web_pages_import_no_private_api_helpers():
    found = [hit for p in sorted((ROOT / "reviewer" / "web").glob("*.py")) for hit in _private_api_imports(p)]
    assert found == []


def test_the_private_import_check_can_fail(tmp_path):
    bad = tmp_path / "page.py"
    bad.write_text("from reviewer.api.uploads import _secret, public\n", encoding="utf-8")
    assert _private_api_imports(bad) == ["page.py: reviewer.api.uploads._secret"]
