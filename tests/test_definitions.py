"""The Dagster code location loads and forms one lineage graph: land -> check -> dbt -> publish."""

from __future__ import annotations

from dagster import AssetKey

from pipelines.definitions import WAREHOUSE_POOL, defs, raw_cells_have_lineage_and_unique_keys


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
    publish = graph.get(AssetKey(["serving_snapshot"]))
    assert AssetKey(["marts", "indicator_values"]) in publish.parent_keys
    assert not publish.child_keys


def test_every_warehouse_writer_is_in_the_single_writer_pool():
    graph = _graph()
    for key in (["raw", "genesis_table_cells"], ["marts", "indicator_values"], ["serving_snapshot"]):
        node = graph.get(AssetKey(key))
        assert node.pools == {WAREHOUSE_POOL}, key


def test_landing_check_is_blocking_and_registered():
    [spec] = list(raw_cells_have_lineage_and_unique_keys.check_specs)
    assert spec.asset_key == AssetKey(["raw", "genesis_table_cells"])
    assert spec.blocking
    assert spec.key in defs.resolve_asset_graph().asset_check_keys
