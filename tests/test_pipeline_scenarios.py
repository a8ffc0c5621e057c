"""Pipeline runs on small workspaces of their own (a few demo files, a bad file, a real download), as a data engineer
would drop them: reruns change nothing, a bad file keeps the last snapshot, one table alone runs through, and a real
export supersedes the demo's. Apart from tests/test_pipeline_e2e.py because they do not need the shared full demo run
(tests/conftest.py runs such modules first)."""

from __future__ import annotations

import shutil

from tests.conftest import REAL_FIXTURES
from tests.test_pipeline_e2e import demo_file, population_from_file


def test_rerun_with_the_same_files_changes_nothing_and_bad_file_keeps_last_snapshot(workspace, demo_files):
    population_and_foreigners = [
        path for path in demo_files
        if any(f"demo_{table}_" in path.name for table in ("12411-01-01-4", "12411-15i", "12521-03i"))
    ]
    for path in population_and_foreigners:
        if "_2023" in path.name or "_2024" in path.name:
            shutil.copy(path, workspace.inbox / path.name)
    workspace.run_pipeline()
    before = workspace.serving("select * from indicator_values order by all")
    published_before = workspace.serving_path.stat().st_mtime_ns

    # The same files again, in a subfolder: recognised by content (sha256), nothing added.
    (workspace.inbox / "nochmal").mkdir()
    for path in population_and_foreigners:
        if "_2024" in path.name:
            shutil.copy(path, workspace.inbox / "nochmal" / path.name)
    workspace.run_pipeline()
    assert workspace.serving("select * from indicator_values order by all") == before
    assert workspace.warehouse("select count(*) from raw.source_files") == [(6,)]

    # A broken file is quarantined with a German report; the published data stays.
    (workspace.inbox / "kaputt.csv").write_bytes(b"<html><body>503 Service Unavailable</body></html>")
    workspace.run_pipeline()
    assert workspace.serving("select * from indicator_values order by all") == before
    [report] = list((workspace.sources_dir / "quarantine").glob("*kaputt.csv.fehler.txt"))
    assert "Webseite (HTML)" in report.read_text(encoding="utf-8")
    assert workspace.serving("select file_name from rejected_files") == [("kaputt.csv",)]
    assert workspace.serving_path.stat().st_mtime_ns >= published_before


def test_pipeline_runs_with_population_only(workspace, demo_files):
    shutil.copy(demo_file(demo_files, "12411-15i", 2020), workspace.inbox)
    workspace.run_pipeline()
    assert workspace.serving("select count(*) from indicator_values") == [(0,)]
    assert workspace.serving("select count(*) from districts") == [(455 + 54,)]  # units and the 54 KIs


def test_real_population_export_supersedes_demo_and_yields_its_figures(workspace, demo_files):
    """A real 12411-01-01-4 download (Stand 21.03.2020) dropped next to the demo data for 31.12.2018."""
    real = REAL_FIXTURES / "regionalstatistik_12411-01-01-4_bevoelkerung_kreise_2018.csv"
    shutil.copy(demo_file(demo_files, "12521-03i", 2018), workspace.inbox)
    shutil.copy(demo_file(demo_files, "12411-01-01-4", 2018), workspace.inbox)
    (workspace.inbox / "echt").mkdir()
    shutil.copy(real, workspace.inbox / "echt" / "download.csv")
    workspace.run_pipeline()
    expected = population_from_file(real)
    served = dict(
        workspace.serving(
            "select ags, denominator from indicator_values where indicator_id = 'auslaenderanteil_azr' "
            "and year = 2018 and level <> 'KI'"
        )
    )
    assert len(served) == 59
    assert served == {ags: expected[ags] for ags in served}
    assert served["05"] == 17932651 and served["05111"] == 619294
    stands = workspace.serving(
        "select distinct strftime(denominator_stand, '%d.%m.%Y %H:%M:%S') from indicator_values where year = 2018"
    )
    assert stands == [("21.03.2020 12:15:06",)]
