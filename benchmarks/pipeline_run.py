"""Time the pipeline (`python -m pipelines.run`, as `make pipeline` runs it) on the full demo data, scenario by
scenario in one workspace: a first load, nothing new (the same files again, then an empty inbox), one new file (a
newer Stand of a GENESIS table), one new Kreis-held template (a Schulamt extract held back from the first load) and
a changed standards catalogue. Prints per scenario the seconds, the peak RSS of the largest process (the pipeline,
dbt or a reader worker) and which dbt models ran.

With --scale N (N > 1) the scenarios run again on N times the schools and KiTas, and the growth from scale 1 to N
is printed.

Usage: .venv/bin/python benchmarks/pipeline_run.py [--scale N]   (uses a temporary folder)
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT_ROOT))

HELD_BACK = "demo_schulamt_schulen_05966_2024.xlsx"  # the "new Kreis-held template" scenario


@dataclass
class Measurement:
    scenario: str
    seconds: float
    peak_rss_mb: float
    models: list[str]  # dbt models built; empty when dbt did not run


def run_pipeline(env: dict[str, str], data_dir: Path) -> tuple[float, float, list[str]]:
    """Seconds, peak RSS (MB) of the largest process of the run, dbt models it built."""
    results = data_dir / "dbt" / "run_results.json"
    before = results.stat().st_mtime_ns if results.exists() else None
    started = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-m", "pipelines.run"], cwd=PROJECT_ROOT, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    output = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"pipeline failed:\n{output.decode()}")
    models = []
    if results.exists() and results.stat().st_mtime_ns != before:
        models = sorted(result["unique_id"].rsplit(".", 1)[1]
                        for result in json.loads(results.read_text())["results"]
                        if result["unique_id"].startswith("model."))
    return seconds, usage.ru_maxrss / 1024, models  # ru_maxrss: the largest process waited for, in KiB


def scenarios(scale: int, root: Path) -> list[Measurement]:
    from pipelines.demo.families import generate_demo

    env = {**os.environ, "IM_SOURCES_DIR": str(root / "sources"), "IM_DATA_DIR": str(root / "data"),
           "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
    for name in [name for name in env if name.startswith("IM_GENESIS_")]:
        del env[name]  # no web-service pull in a benchmark
    inbox = root / "sources" / "inbox"
    started = time.perf_counter()
    files = generate_demo(root / "demo", scale=scale)
    size = sum(path.stat().st_size for path in files)
    print(f"scale {scale}: demo generation {time.perf_counter() - started:.1f} s, {len(files)} files, "
          f"{size / 1e6:.1f} MB")
    held_back = root / "demo" / HELD_BACK
    measured = []

    def measure(scenario: str) -> None:
        seconds, rss, models = run_pipeline(env, root / "data")
        measured.append(Measurement(scenario, seconds, rss, models))
        built = f"{len(models)} dbt models" + (f" ({', '.join(models)})" if 0 < len(models) <= 12 else "")
        print(f"  {scenario:<34} {seconds:6.1f} s  peak RSS {rss:6.0f} MB  {built if models else 'no dbt'}")

    shutil.copytree(root / "demo", inbox / "demo", ignore=shutil.ignore_patterns(HELD_BACK))
    measure("first load")
    shutil.copytree(root / "demo", inbox / "again", ignore=shutil.ignore_patterns(HELD_BACK))
    measure("nothing new (the same files again)")
    measure("nothing new (empty inbox)")
    newest = sorted(path for path in files if path.name.startswith("demo_12521-03i_"))[-1]
    revised = newest.read_bytes().rstrip(b"\n").rsplit(b"\n", 1)[0] + b"\nStand: 31.12.2026 / 12:00:00\n"
    (inbox / "revision.csv").write_bytes(revised)
    measure("one new file (GENESIS revision)")
    shutil.copy(held_back, inbox / held_back.name)
    measure("one new Kreis-held template")
    catalogue = root / "standards.yml"
    shipped = (PROJECT_ROOT / "pipelines" / "standards" / "standards.yml").read_text(encoding="utf-8")
    catalogue.write_text(shipped.replace('edition: "', 'edition: "Geändert: ', 1), encoding="utf-8")
    env["IM_STANDARDS_FILE"] = str(catalogue)
    measure("changed standards catalogue")
    serving = root / "data" / "serving.duckdb"
    print(f"  serving snapshot {serving.stat().st_size / 1e6:.1f} MB, "
          f"warehouse {(root / 'data' / 'warehouse.duckdb').stat().st_size / 1e6:.1f} MB")
    return measured


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=int, default=1, help="also run with N times the schools and KiTas")
    args = parser.parse_args()
    print(f"{os.cpu_count()} cores, load average before: {', '.join(f'{x:.1f}' for x in os.getloadavg())}")
    results = {}
    for scale in sorted({1, args.scale}):
        with tempfile.TemporaryDirectory() as root:
            results[scale] = scenarios(scale, Path(root))
    if args.scale > 1:
        print(f"growth from scale 1 to {args.scale} (time x, memory x):")
        for small, large in zip(results[1], results[args.scale]):
            print(f"  {small.scenario:<34} {large.seconds / small.seconds:5.2f} x  "
                  f"{large.peak_rss_mb / small.peak_rss_mb:5.2f} x")
    print(f"load average after: {', '.join(f'{x:.1f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
