"""Time and memory of reading the web service's flat files: the recorded ffcsv ZIP of 12411-01-01-4 (all German
Kreise, 1.467 values) and the result file of the recorded 12531-0043 job (33,5 MB CSV, 116.738 values: a table
above the service's dialogue limit). Each case runs in a fresh subprocess so that its peak memory (max RSS)
is its own. Prints values, seconds (wall and CPU: the machine may be shared) and peak MB.

The recordings are test inputs next to the repository (../shared/fixtures/api/, not part of the product).
Usage: .venv/bin/python benchmarks/flat_reader.py
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from pipelines.formatting_de import format_number

PROJECT_ROOT = Path(__file__).resolve().parents[1]
CASSETTES = PROJECT_ROOT.parent / "shared" / "fixtures" / "api" / "pystatis"
CASES = {
    "12411-01-01-4 (ZIP 24 KB, all Kreise)": ("12411-01-01-4@b6e0dd8.yaml", 0),
    "12531-0043 job result (ZIP 1,8 MB)": ("12531-0043@b6e0dd8.yaml", 408),
}

_MEASURE = """
import json, resource, sys, time, yaml
from pipelines.readers.genesis_flat import read_genesis_flat_zip
with open(sys.argv[1], "rb") as handle:
    cassette = yaml.load(handle, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
data = cassette["interactions"][int(sys.argv[2])]["response"]["body"]["string"]
del cassette
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
started, cpu_started = time.perf_counter(), time.process_time()
table = read_genesis_flat_zip(data, column_variables=["GES"])
seconds, cpu = time.perf_counter() - started, time.process_time() - cpu_started
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"seconds": seconds, "cpu": cpu, "values": len(table.cells), "peak_mb": peak / 1024,
                  "before_mb": before / 1024}))
"""


def main() -> None:
    for label, (cassette, index) in CASES.items():
        result = subprocess.run([sys.executable, "-c", _MEASURE, str(CASSETTES / cassette), str(index)],
                                cwd=PROJECT_ROOT, capture_output=True, text=True, check=True)
        figures = json.loads(result.stdout.strip().splitlines()[-1])
        print(f"{label}: {format_number(figures['values'])} values in {format_number(figures['seconds'], 2)} s "
              f"({format_number(figures['cpu'], 2)} s CPU), "
              f"peak memory {format_number(figures['peak_mb'])} MB (before reading: "
              f"{format_number(figures['before_mb'])} MB)")


if __name__ == "__main__":
    main()
