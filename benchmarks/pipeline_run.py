"""Time the pipeline on the full demo data: a first load into an empty workspace, then a rerun with nothing new.

Usage: .venv/bin/python benchmarks/pipeline_run.py   (prints seconds; uses a temporary folder)
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]


def run(env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "pipelines.run"], cwd=PROJECT_ROOT, env=env, check=True, capture_output=True)
    return time.perf_counter() - started


def main() -> None:
    from pipelines.demo.generator import generate_demo

    with tempfile.TemporaryDirectory() as root:
        env = {**os.environ, "IM_SOURCES_DIR": f"{root}/sources", "IM_DATA_DIR": f"{root}/data",
               "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
        started = time.perf_counter()
        files = generate_demo(Path(root) / "sources" / "inbox" / "demo")
        print(f"demo generation: {time.perf_counter() - started:.2f} s for {len(files)} files")
        print(f"pipeline, first load of the full demo: {run(env):.1f} s")
        print(f"pipeline, rerun with an empty inbox: {run(env):.1f} s")
        size = (Path(root) / "data" / "serving.duckdb").stat().st_size
        print(f"serving snapshot: {size / 1024:.0f} KiB")


if __name__ == "__main__":
    main()
