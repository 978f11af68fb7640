"""Core speed: median time to review one report in-process (txt and docx), and the
wall time of `reviewer review` on the sample from a cold start.

    .venv/bin/python bench/core_speed.py [--runs 200]

Targets (issue 2): ≤ 10 ms per txt report and ≤ 50 ms per docx report in-process
(ingest + extract + checks, LLM off); ≤ 1 s cold start of the CLI.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
SAMPLE = ROOT / "tests" / "fixtures" / "wuhai-gxj-2023.txt"


def time_in_process(data: bytes, name: str, runs: int) -> list[float]:
    from reviewer.pipeline import ReviewOptions, review_bytes

    options = ReviewOptions(use_llm=False)
    review_bytes(data, name, options)  # warm-up: regex compilation, imports
    out = []
    for _ in range(runs):
        t = time.perf_counter()
        review = review_bytes(data, name, options)
        out.append((time.perf_counter() - t) * 1000)
        assert review.status == "ok", review.error
    return out


def cold_start(runs: int) -> list[float]:
    exe = Path(sys.executable).parent / "reviewer"
    out = []
    for _ in range(runs):
        t = time.perf_counter()
        subprocess.run([str(exe), "review", str(SAMPLE), "--format", "json", "--no-llm"],
                       stdout=subprocess.DEVNULL, check=False)
        out.append((time.perf_counter() - t) * 1000)
    return out


def show(name: str, ms: list[float], target: float) -> None:
    med = statistics.median(ms)
    print(f"{name:42} median {med:8.2f} ms  min {min(ms):8.2f}  max {max(ms):8.2f}  "
          f"(n={len(ms)}, target ≤ {target:g} ms: {'OK' if med <= target else 'MISSED'})")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=200)
    ap.add_argument("--cold-runs", type=int, default=10)
    args = ap.parse_args()
    from reportgen import consistent_spec, to_docx, to_txt_flattened

    show("sample draft (.txt, 11 errors)", time_in_process(SAMPLE.read_bytes(), SAMPLE.name, args.runs), 10)
    spec = consistent_spec(seed=3, zero_applications=False)
    show("generated report (.txt, flattened tables)", time_in_process(to_txt_flattened(spec), "r.txt", args.runs), 10)
    show("generated report (.docx, Word tables)", time_in_process(to_docx(spec), "r.docx", args.runs), 50)
    show("`reviewer review` cold start (sample)", cold_start(args.cold_runs), 1000)


if __name__ == "__main__":
    main()
