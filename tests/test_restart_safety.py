"""A pipeline run killed half-way leaves no half-loaded file and loses nothing; the next run simply completes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from tests.conftest import PROJECT_ROOT


def test_killed_run_leaves_whole_files_only_and_a_rerun_completes(workspace, demo_files):
    # four tables of every year (52 files): enough for a kill in the middle of landing, and a rerun publishes 13 years
    tables = ("12411-01-01-4", "12411-03-03-4", "12411-15i", "12521-03i")
    inputs = {path.name: path.read_bytes() for path in demo_files
              if path.suffix == ".csv" and any(path.name.startswith(f"demo_{table}_") for table in tables)}
    assert len(inputs) == 4 * 13
    for name, data in inputs.items():
        (workspace.inbox / name).write_bytes(data)

    process = subprocess.Popen(
        [sys.executable, "-m", "pipelines.run"], cwd=PROJECT_ROOT, env=workspace.env(),
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )
    archive = workspace.sources_dir / "archive"
    deadline = time.monotonic() + 120
    # Kill as soon as the landing has archived a few files, i.e. in the middle of loading.
    while time.monotonic() < deadline and process.poll() is None:
        if archive.exists() and sum(1 for p in archive.rglob("*") if p.is_file()) >= 3:
            break
        time.sleep(0.05)
    assert process.poll() is None, "the run finished before it could be interrupted"
    os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=30)

    # Every file that counts as loaded is loaded completely; no rows without their file.
    loaded = dict(workspace.warehouse("select sha256, row_count from raw.source_files"))
    cells = dict(workspace.warehouse("select file_sha256, count(*) from raw.genesis_table_cells group by all"))
    assert cells == {sha: count for sha, count in loaded.items() if sha in cells}
    assert set(cells) == set(loaded)
    # Nothing lost: each input file is still in the inbox or was loaded (its bytes are in the archive).
    still_waiting = {path.name for path in workspace.inbox.rglob("*") if path.is_file()}
    archived = {path.name for path in archive.rglob("*") if path.is_file() and not path.name.startswith(".")}
    assert still_waiting | archived == set(inputs)
    assert not (workspace.serving_path.exists())  # nothing was published by the killed run

    workspace.run_pipeline()
    assert workspace.warehouse("select count(*) from raw.source_files") == [(len(inputs),)]
    assert not [path for path in workspace.inbox.rglob("*") if path.is_file()]
    assert workspace.serving("select count(distinct year) from indicator_values") == [(13,)]
