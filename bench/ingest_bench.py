"""Ingest speed: bytes → Document for each input format (in-process, warm).

    .venv/bin/python bench/ingest_bench.py [--runs 50]

Times ``reviewer.ingest.read_bytes`` on generated reports (tests/reportgen.py, one
per format) and on the real samples when present; prints min / median / max in ms.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

import reportgen  # noqa: E402

from reviewer.ingest import read_bytes  # noqa: E402

SAMPLES = [ROOT / "examples/wuhai-gxj-2023.txt",
           ROOT / "tests/fixtures/real/shuyang-fgj-2023.html",
           ROOT / "tests/fixtures/real/sh-kewei-2024.md"]


def inputs() -> list[tuple[str, bytes]]:
    spec = reportgen.consistent_spec(seed=5)
    out = [(f"generated.{ext}", data) for ext, data in reportgen.render_all(spec).items()]
    out.append(("generated-gbk.html", reportgen.to_html(spec, encoding="gbk")))
    out += [(p.name, p.read_bytes()) for p in SAMPLES if p.exists()]
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=50)
    args = ap.parse_args()
    print(f"{'input':32} {'bytes':>8} {'min ms':>8} {'median':>8} {'max':>8}")
    for name, data in inputs():
        read_bytes(data, name)  # warm imports and caches
        times = []
        for _ in range(args.runs):
            start = time.perf_counter()
            read_bytes(data, name)
            times.append((time.perf_counter() - start) * 1000)
        print(f"{name:32} {len(data):8d} {min(times):8.2f} {statistics.median(times):8.2f} {max(times):8.2f}")


if __name__ == "__main__":
    main()
