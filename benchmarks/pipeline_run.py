"""Time the pipeline on the full demo data: a first load into an empty workspace, the same files again (nothing
changes), and one new file into the existing warehouse. Prints seconds, files and rows.

Usage: .venv/bin/python benchmarks/pipeline_run.py [--scale N]   (uses a temporary folder)
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb

PROJECT_ROOT = Path(__file__).resolve().parents[1]


def run(env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "pipelines.run"], cwd=PROJECT_ROOT, env=env, check=True, capture_output=True)
    return time.perf_counter() - started


def warehouse_counts(data_dir: Path) -> tuple[int, int]:
    connection = duckdb.connect(str(data_dir / "warehouse.duckdb"), read_only=True)
    try:
        files, rows = connection.execute("select count(*), sum(row_count) from raw.source_files").fetchone()
    finally:
        connection.close()
    return files, int(rows)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=int, default=1, help="schools and KiTas per Gemeinde times N")
    args = parser.parse_args()
    from pipelines.demo.generator import generate_demo

    with tempfile.TemporaryDirectory() as root:
        root = Path(root)
        env = {**os.environ, "IM_SOURCES_DIR": str(root / "sources"), "IM_DATA_DIR": str(root / "data"),
               "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
        started = time.perf_counter()
        files = generate_demo(root / "demo", scale=args.scale)
        size = sum(path.stat().st_size for path in files)
        print(f"demo generation (scale {args.scale}): {time.perf_counter() - started:.1f} s, "
              f"{len(files)} files, {size / 1e6:.1f} MB")
        shutil.copytree(root / "demo", root / "sources" / "inbox" / "demo")
        print(f"pipeline, first load of the full demo: {run(env):.1f} s")
        loaded, rows = warehouse_counts(root / "data")
        print(f"  loaded: {loaded} files, {rows:,} rows")
        shutil.copytree(root / "demo", root / "sources" / "inbox" / "again")
        print(f"pipeline, the same files again (nothing changes): {run(env):.1f} s")
        newest = sorted(path for path in files if path.name.startswith("demo_12521-03i_"))[-1]
        # The same table with a newer Stand: a revision that replaces the older file in the marts.
        revised = newest.read_bytes().rstrip(b"\n").rsplit(b"\n", 1)[0] + b"\nStand: 31.12.2026 / 12:00:00\n"
        (root / "sources" / "inbox" / "revision.csv").write_bytes(revised)
        print(f"pipeline, one new file (a newer Stand of {newest.name}) into the existing warehouse: {run(env):.1f} s")
        print(f"serving snapshot: {(root / 'data' / 'serving.duckdb').stat().st_size / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
