"""Time the printable Kreisprofil (the dashboard's PDF download) on a published snapshot: build it --runs times for
one Kreis and print the median and the slowest. Target: well under 5 s.

Usage: .venv/bin/python benchmarks/pdf_profile.py [--data-dir DIR] [--ags 05966] [--runs 5]
       (DIR holds serving.duckdb, e.g. data/ after `make pipeline`)
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from datetime import datetime
from pathlib import Path

import duckdb

PROJECT_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT_ROOT))

from dashboard.pdf_profile import build_kreisprofil_pdf  # noqa: E402
from dashboard.series_breaks import from_frame  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data-dir", type=Path, default=PROJECT_ROOT / "data")
    parser.add_argument("--ags", default="05966")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    connection = duckdb.connect(str(args.data_dir / "serving.duckdb"), read_only=True)
    try:
        values, indicators, districts, breaks = (connection.execute(f"select * from {table}").df()
                                                 for table in ("indicator_values", "indicators", "districts",
                                                               "series_breaks"))
    finally:
        connection.close()
    seconds, size = [], 0
    for _ in range(args.runs):
        started = time.perf_counter()
        size = len(build_kreisprofil_pdf(args.ags, values, indicators, districts, created=datetime.now(),
                                         breaks=from_frame(breaks)))
        seconds.append(time.perf_counter() - started)
    print(f"Kreisprofil {args.ags}: {size / 1024:.0f} KiB, median {statistics.median(seconds):.2f} s, "
          f"slowest {max(seconds):.2f} s over {args.runs} builds (target: under 5 s)")


if __name__ == "__main__":
    main()
