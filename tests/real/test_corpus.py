"""Every corpus report gives exactly its expected errors and warnings: a change that adds a false
error anywhere, or loses a real one, fails here (tests/real/README.md)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from corpus import CORPUS, EXPECTED, load_expected, observed  # noqa: E402


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_corpus_report_gives_its_expected_findings(name: str) -> None:
    assert (EXPECTED / f"{name}.json").exists(), f"run: python tests/real/corpus.py --update ({name} is new)"
    expected, got = load_expected(name), observed(name)
    new, lost = list(got["findings"]), []
    for f in expected["findings"]:  # a multiset difference: two alike findings are two
        if f in new:
            new.remove(f)
        else:
            lost.append(f)
    assert (got["status"], got["year"]) == (expected["status"], expected["year"])
    assert not new and not lost, {"new": new, "lost": lost}


def test_every_expected_file_belongs_to_a_corpus_report() -> None:
    assert {p.stem for p in EXPECTED.glob("*.json")} == set(CORPUS)
