"""The Dagster code location loads and forms one lineage graph: land -> check -> dbt -> publish."""

from __future__ import annotations

from dagster import AssetKey

from dashboard import access
from pipelines.definitions import WAREHOUSE_POOL, defs, land_inbox_files, raw_cells_have_lineage
from pipelines.publish import SERVED_MARTS, SERVING_TABLES


def _graph():
    return defs.resolve_asset_graph()


def test_definitions_load_with_the_expected_assets_and_job():
    keys = {key.to_user_string() for key in _graph().get_all_asset_keys()}
    assert {"raw/genesis_table_cells", "raw/source_files", "staging/stg_genesis__table_cells",
            "marts/indicator_values", "marts/dim_districts", "marts/indicators", "serving_snapshot"} <= keys
    assert defs.resolve_job_def("full_pipeline") is not None


def test_dbt_sources_map_onto_the_ingestion_asset_and_publish_is_last():
    graph = _graph()
    staging = graph.get(AssetKey(["staging", "stg_genesis__table_cells"]))
    assert {AssetKey(["raw", "genesis_table_cells"]), AssetKey(["raw", "source_files"])} <= staging.parent_keys
    landing = graph.get(AssetKey(["raw", "genesis_table_cells"]))
    assert AssetKey(["inbox", "genesis_pull"]) in landing.parent_keys
    publish = graph.get(AssetKey(["serving_snapshot"]))
    assert AssetKey(["marts", "indicator_values"]) in publish.parent_keys
    assert not publish.child_keys


def test_publish_depends_on_every_mart_it_copies_and_the_public_tables_are_published():
    """One list of what is published (publish.SERVING_TABLES): the asset's dependencies are the marts its queries
    read, and every table the dashboard lets the public read is one that publishing writes."""
    publish = _graph().get(AssetKey(["serving_snapshot"]))
    marts = {key.path[-1] for key in publish.parent_keys if key.path[0] == "marts"}
    assert marts == set(SERVED_MARTS) and {"series_breaks", "indicator_values", "ki_standards"} <= marts
    assert access.PUBLIC_TABLES <= set(SERVING_TABLES) | {"snapshot_info"}


def test_every_warehouse_writer_is_in_the_single_writer_pool():
    graph = _graph()
    for key in (["raw", "genesis_table_cells"], ["marts", "indicator_values"], ["serving_snapshot"]):
        node = graph.get(AssetKey(key))
        assert node.pools == {WAREHOUSE_POOL}, key


def test_validation_checks_are_blocking_and_registered():
    registered = defs.resolve_asset_graph().asset_check_keys
    specs = [*raw_cells_have_lineage.check_specs, *land_inbox_files.check_specs]
    assert {spec.name for spec in specs} == {"raw_cells_have_lineage", "gx_suite"}
    checked = {spec.asset_key.to_user_string() for spec in specs if spec.name == "gx_suite"}
    assert {"raw/genesis_table_cells", "raw/ba_cells", "raw/tpl_schulamt_schulen__schulen",
            "raw/tpl_jugendamt_kitas__kitas", "raw/tpl_ki_jahresbericht__stammdaten"} <= checked
    for spec in specs:
        assert spec.blocking, spec.name
        assert spec.key in registered


def test_inbox_sensor_and_nightly_schedule_land_and_the_changes_sensor_transforms():
    assert defs.resolve_sensor_def("inbox_sensor").job_name == "land_job"
    assert defs.resolve_sensor_def("changes_sensor").job_name == "transform_job"
    schedule = defs.resolve_schedule_def("nightly_pull_and_load")
    assert schedule.job_name == "land_job" and schedule.cron_schedule == "0 5 * * *"


def test_transform_selection_follows_the_changed_raw_tables():
    from pipelines.definitions import transform_selection
    from pipelines.incremental import Changes

    def selected(*tables, full=False):
        return {key.to_user_string() for key in transform_selection(Changes(full, tables, {}))}

    everything = selected(full=True)
    assert {"marts/indicator_values", "marts/ki_standard_evaluations", "serving_snapshot"} <= everything
    genesis = selected("genesis_table_cells", "source_files")
    assert {"staging/stg_genesis__table_cells", "marts/indicator_values", "marts/source_file_versions",
            "serving_snapshot"} <= genesis
    # a new GENESIS file neither touches the Kreis-held extracts nor the KI reports (their staging models join
    # raw.source_files on their own files only: meta rebuild_on_change of the source)
    assert not {"staging/stg_schulamt__schulen", "intermediate/int_confidential_cells_suppressed",
                "staging/stg_ki__programme"} & genesis
    assert genesis < everything
    standards = selected("ki_standards")
    assert "marts/ki_standard_evaluations" in standards and "marts/indicator_values" not in standards
    # a table the snapshot copies directly: only the snapshot
    assert selected("rejected_files") == {"serving_snapshot"}


def test_inbox_sensor_requests_one_run_per_set_of_waiting_files(workspace, monkeypatch):
    from dagster import RunRequest, SkipReason, build_sensor_context

    from pipelines.definitions import inbox_sensor

    monkeypatch.setenv("IM_SOURCES_DIR", str(workspace.sources_dir))
    assert isinstance(inbox_sensor(build_sensor_context()), SkipReason)
    (workspace.inbox / "unterordner").mkdir()
    (workspace.inbox / "unterordner" / "tabelle.csv").write_bytes(b"Tabelle: 12411-15i\n")
    (workspace.inbox / ".download.part").write_bytes(b"still being written")
    first = inbox_sensor(build_sensor_context())
    assert isinstance(first, RunRequest) and first.tags["files"] == "1"
    assert inbox_sensor(build_sensor_context()).run_key == first.run_key  # same files: same run key, no second run
    (workspace.inbox / "zweite.csv").write_bytes(b"Tabelle: 12521-03i\n")
    assert inbox_sensor(build_sensor_context()).run_key != first.run_key
