"""Review time against draft size: 1k / 10k / 100k-line drafts (issue 11).

    .venv/bin/python bench/scaling.py [--lines 1000 10000 100000] [--runs 3]

Each draft is the sample report followed by N lines of narrative that state counted numbers
(claims to extract and check: 本年共发布政策解读…篇，其中…), so extraction does real work on
every line. The document limits are raised for the run (REVIEWER_MAX_PARAGRAPHS etc.; the
defaults refuse a 100k-line draft as input.too_large). Each size is reviewed in a fresh process;
reported: median wall time, time per 1,000 lines, and the process's peak memory.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
_CHILD = r"""
import json, resource, sys, time
sys.path.insert(0, sys.argv[1])
from hostile_drafts import long_prose
from reviewer.pipeline import ReviewOptions, review_bytes
data = long_prose(int(sys.argv[2])).encode()
review_bytes(b"warm-up", "w.txt", ReviewOptions(use_llm=False))
t = time.perf_counter()
r = review_bytes(data, "scale.txt", ReviewOptions(use_llm=False))
took = time.perf_counter() - t
assert r.status == "ok", r.error
print(json.dumps({"seconds": took, "bytes": len(data), "findings": len(r.findings),
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def measure(lines: int) -> dict:
    env = {**os.environ, "REVIEWER_MAX_PARAGRAPHS": "1000000", "REVIEWER_MAX_NUMBERS": "10000000",
           "REVIEWER_MAX_TABLE_CELLS": "1000000"}
    out = subprocess.run([sys.executable, "-c", _CHILD, str(ROOT / "tests" / "hostile"), str(lines)],
                         env=env, capture_output=True, text=True, check=True, cwd=ROOT)
    return json.loads(out.stdout)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--lines", type=int, nargs="+", default=[1000, 10000, 100000])
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    for n in args.lines:
        runs = [measure(n) for _ in range(args.runs)]
        med = statistics.median(r["seconds"] for r in runs)
        print(f"{n:>7} lines  {runs[0]['bytes'] / 1e6:6.2f} MB  median {med:8.2f} s  "
              f"({1000 * med / n:6.3f} s per 1k lines; min {min(r['seconds'] for r in runs):.2f} s)  "
              f"peak {max(r['peak_mb'] for r in runs):6.0f} MB  findings {runs[0]['findings']}", flush=True)


if __name__ == "__main__":
    main()
