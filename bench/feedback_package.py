"""The feedback package of a batch: how long building it takes for N reports (issue 16).

    .venv/bin/python bench/feedback_package.py [--agencies 50] [--runs 3]

Generated reports (half .docx, half flattened .txt, two years per agency, so each unit's notice
has findings from the carry-over breaks planted in a tenth of them) are reviewed once in-process;
then ``reviewer.render.package.feedback_zip`` is timed: every draft read again and annotated, and
the notice written. Prints the median and the per-report cost.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))


def main() -> None:
    from batchgen import make_batch

    from reviewer.pipeline import ReviewOptions, review_bytes
    from reviewer.render.package import PackageDraft, feedback_zip

    ap = argparse.ArgumentParser()
    ap.add_argument("--agencies", type=int, default=50)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    batch = make_batch(args.agencies, carry_breaks=set(range(0, args.agencies, 10)), seed=3)
    drafts = [PackageDraft(spec.agency, name, batch.files[name],
                           review_bytes(batch.files[name], name, ReviewOptions(use_llm=False)))
              for name, spec in batch.specs.items()]
    times, size = [], 0
    for _ in range(args.runs):
        t0 = time.perf_counter()
        size = len(feedback_zip(drafts, "某市政务公开办", date(2025, 1, 20), date(2025, 1, 27)))
        times.append(time.perf_counter() - t0)
    med = statistics.median(times)
    print(f"{len(drafts)} reports: median {med:.2f} s over {args.runs} runs "
          f"({1000 * med / len(drafts):.1f} ms per report), zip {size / 1024 / 1024:.1f} MB")


if __name__ == "__main__":
    main()
