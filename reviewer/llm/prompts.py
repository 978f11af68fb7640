"""Versioned prompt files: ``prompts/<name>/<version>/{system.md,user.md,examples.json}``.

The id ``<name>/<version>`` is recorded in every Review and is part of the
cache key, so editing a prompt means adding a new version directory.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from string import Template

from reviewer.llm import errors
from reviewer.formats import DEFAULT_FORMAT, FORMATS
from reviewer.llm.schema import metric_catalogue


def _default_dir() -> Path:
    """The checkout's prompts/ (source or editable install), else the copy a wheel installs."""
    checkout = Path(__file__).resolve().parents[2] / "prompts"
    if checkout.is_dir():
        return checkout
    return Path(sys.prefix) / "share" / "reviewer" / "prompts"


DEFAULT_DIR = _default_dir()


@dataclass(frozen=True)
class PromptSet:
    name: str
    version: str
    system: str
    user_template: str
    examples: tuple[tuple[str, str], ...]  # (user text, assistant JSON text)

    @property
    def id(self) -> str:
        return f"{self.name}/{self.version}"

    def render_user(self, **values: str) -> str:
        return Template(self.user_template).substitute(values)


@lru_cache(maxsize=8)
def load_prompt(name: str, version: str, directory: str | None = None, format_id: str | None = None) -> PromptSet:
    """``format_id``: the report's own format, whose metrics the system prompt lists (default: the current one)."""
    base = Path(directory).expanduser() if directory else DEFAULT_DIR
    folder = base / name / version
    try:
        system = Template((folder / "system.md").read_text(encoding="utf-8").strip()).safe_substitute(
            metric_catalogue=metric_catalogue(FORMATS.get(format_id or "", DEFAULT_FORMAT)))
        user = (folder / "user.md").read_text(encoding="utf-8").strip()
        raw_examples = (folder / "examples.json").read_text(encoding="utf-8") \
            if (folder / "examples.json").is_file() else "[]"
        examples = tuple((e["user"], json.dumps(e["assistant"], ensure_ascii=False))
                         for e in json.loads(raw_examples))
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise errors.LLMError(errors.CONFIG, f"prompt {name}/{version} unreadable in {base}: {exc}") from exc
    if "JSON" not in system:  # DashScope/DeepSeek JSON mode refuse prompts without the word
        raise errors.LLMError(errors.CONFIG, f"prompt {name}/{version}: system prompt must mention JSON")
    return PromptSet(name, version, system, user, examples)
