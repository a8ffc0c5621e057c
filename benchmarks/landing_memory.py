"""Peak memory of the landing step on files too large to open (issue 16): a zip bomb (a valid .xlsx whose worksheet
unpacks to 1,5 GB), a GENESIS table CSV with 1.000.000 data lines (about 55 MB), and for comparison a CSV of the same
table just under the file-size limit, which is read. Each lands alone in a fresh workspace, in a process of its own;
prints the outcome, the time and the process's peak RSS.

Usage: .venv/bin/python benchmarks/landing_memory.py [--cases bomb,million,at_limit]
Run with IM_MAX_FILE_MB=0 IM_MAX_UNPACKED_MB=0 to see the landing without limits (slow: the million lines take
more than 20 minutes and several GB).
"""

from __future__ import annotations

import argparse
import io
import os
import resource
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT_ROOT))

LAND = """
import json, resource
from pipelines.config import get_settings
from pipelines.landing import land_inbox
report = land_inbox(get_settings())
print(json.dumps({"loaded": report.loaded, "rejected": report.rejected, "rows": report.rows_written}))
"""


def _genesis_table(lines: int) -> bytes:
    """A demo GENESIS table (12411-15i, Gemeinden) with its data rows repeated to `lines` lines."""
    from pipelines.demo.families import generate_demo

    with tempfile.TemporaryDirectory() as folder:
        [path] = [p for p in generate_demo(Path(folder)) if p.name == "demo_12411-15i_2020.csv"]
        rows = path.read_bytes().split(b"\n")
    first = next(i for i, line in enumerate(rows) if line.startswith(b"31.12."))
    footer = next(i for i, line in enumerate(rows) if line.startswith(b"____"))
    body = rows[first:footer]
    return b"\n".join(rows[:first] + (body * (lines // len(body) + 1))[:lines] + rows[footer:])


def workbook_bomb(unpacked_bytes: int) -> bytes:
    """A valid .xlsx (openpyxl) whose worksheet XML is padded with blanks to `unpacked_bytes`."""
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active["A1"] = "Statistik der Bundesagentur für Arbeit"
    buffer = io.BytesIO()
    workbook.save(buffer)
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename != "xl/worksheets/sheet1.xml":
                archive.writestr(info.filename, content)
                continue
            head, tail = content.split(b"<sheetData>", 1)
            with archive.open(info.filename, "w", force_zip64=True) as member:
                member.write(head + b"<sheetData>")
                chunk = b" " * (1 << 20)
                for _ in range(unpacked_bytes >> 20):
                    member.write(chunk)
                member.write(tail)
    return bomb.getvalue()


def _land_alone(name: str, data: bytes) -> tuple[str, float, int]:
    with tempfile.TemporaryDirectory() as folder:
        inbox = Path(folder) / "sources" / "inbox"
        inbox.mkdir(parents=True)
        (inbox / name).write_bytes(data)
        old = time.time() - 60
        os.utime(inbox / name, (old, old))
        env = {**os.environ, "IM_SOURCES_DIR": str(Path(folder) / "sources"), "IM_DATA_DIR": str(Path(folder) / "data")}
        started = time.monotonic()
        result = subprocess.run([sys.executable, "-c", LAND], cwd=PROJECT_ROOT, env=env, capture_output=True,
                                text=True)
        elapsed = time.monotonic() - started
        peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # the largest child so far
        outcome = result.stdout.strip().splitlines()[-1] if result.returncode == 0 else result.stderr[-500:]
        reasons = list((Path(folder) / "sources" / "quarantine").glob("*.fehler.txt"))
        if reasons:
            outcome += " | " + next(line for line in reasons[0].read_text().splitlines() if line.startswith("Grund"))
    return outcome, elapsed, peak_kib


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", default="bomb,million,at_limit")
    args = parser.parse_args()
    from pipelines.config import get_settings

    settings = get_settings()
    print(f"Grenzen: Datei {settings.max_file_bytes / 2**20:.0f} MB (IM_MAX_FILE_MB), entpackt "
          f"{settings.max_unpacked_bytes / 2**20:.0f} MB (IM_MAX_UNPACKED_MB); 0 = keine Grenze")
    cases = {
        "bomb": lambda: ("zipbombe.xlsx", workbook_bomb(1536 << 20)),
        "million": lambda: ("million_zeilen.csv", _genesis_table(1_000_000)),
        "at_limit": lambda: ("knapp_unter_der_grenze.csv",
                             _genesis_table(int(settings.max_file_bytes * 0.95 / 55) or 180_000)),
    }
    # children are measured one after the other; RUSAGE_CHILDREN keeps the maximum, so the small cases go first
    for key in sorted(args.cases.split(","), key=["bomb", "million", "at_limit"].index):
        name, data = cases[key]()
        outcome, elapsed, peak_kib = _land_alone(name, data)
        print(f"{name}: {len(data) / 2**20:.1f} MB, {elapsed:.1f} s, Spitze RSS (größter Prozess bisher) "
              f"{peak_kib / 1024:.0f} MB -> {outcome[:400]}")


if __name__ == "__main__":
    main()
