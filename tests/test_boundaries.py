"""Reading the user's boundary files: BKG GeoJSON and shapefiles (zip as BKG ships it, unpacked, without .prj),
NRW only, keyed by AGS, WGS84, RFC 7946 ring order, simplified when large; broken and missing files give a German
message and a logged error, never an exception. Inputs are the shared reference files (read from ../shared) and
shapefiles the tests write from them with pyshp."""

from __future__ import annotations

import io
import json
import logging
import os
import sqlite3
import struct
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import shapefile
import shapely
from pyproj import CRS, Transformer
from pyproj.enums import WktVersion
from shapely.geometry import mapping, shape

from dashboard import boundaries
from dashboard.boundaries import GEMEINDE, KREIS, BoundarySource, load_boundaries, read_boundaries
from tests.conftest import SHARED_DIR

GEO_DIR = SHARED_DIR / "reference" / "geo"
DISTRICTS_CSV = SHARED_DIR / "reference" / "nrw_districts.csv"


def reference_features(name: str) -> dict[str, shapely.Geometry]:
    document = json.loads((GEO_DIR / name).read_text("utf-8"))
    return {feature["properties"]["ags"]: shape(feature["geometry"]) for feature in document["features"]}


def reference_ags(kind: str) -> set[str]:
    districts = pd.read_csv(DISTRICTS_CSV, dtype=str)
    length = 5 if kind == KREIS else 8
    return set(districts["ags"][districts["ags"].str.len() == length])


def polygons(geometry) -> list:
    return list(geometry.geoms) if geometry.geom_type == "MultiPolygon" else [geometry]


def assert_rfc7946_rings(result: boundaries.Boundaries) -> None:
    for feature in result.geojson["features"]:
        for polygon in polygons(shape(feature["geometry"])):
            assert polygon.exterior.is_ccw, feature["id"]
            assert not any(ring.is_ccw for ring in polygon.interiors), feature["id"]


def to_utm32(geometry):
    transformer = Transformer.from_crs(4326, 25832, always_xy=True)
    return shapely.transform(geometry, lambda xy: np.column_stack(transformer.transform(xy[:, 0], xy[:, 1])))


def shapefile_parts(features: list[tuple[dict, object]], *, with_prj: bool = True) -> dict[str, bytes]:
    """A BKG-like polygon shapefile (attributes AGS, ARS, GEN, GF) in memory, geometries as given."""
    shp, shx, dbf = io.BytesIO(), io.BytesIO(), io.BytesIO()
    writer = shapefile.Writer(shp=shp, shx=shx, dbf=dbf, shapeType=shapefile.POLYGON, encoding="utf-8")
    writer.field("AGS", "C", 12)
    writer.field("ARS", "C", 12)
    writer.field("GEN", "C", 60)
    writer.field("GF", "N", 2)
    for attributes, geometry in features:
        # Shapefiles store exterior rings clockwise.
        writer.shape(mapping(shapely.orient_polygons(geometry, exterior_cw=True)))
        writer.record(attributes.get("AGS", ""), attributes.get("ARS", ""), attributes.get("GEN", ""),
                      attributes.get("GF", 4))
    writer.close()
    parts = {"shp": shp.getvalue(), "shx": shx.getvalue(), "dbf": dbf.getvalue(), "cpg": b"UTF-8"}
    if with_prj:
        parts["prj"] = CRS.from_epsg(25832).to_wkt(WktVersion.WKT1_ESRI).encode("ascii")
    return parts


def bkg_features(name: str, *, densify_m: float | None = None) -> list[tuple[dict, object]]:
    document = json.loads((GEO_DIR / name).read_text("utf-8"))
    features = []
    for feature in document["features"]:
        geometry = to_utm32(shape(feature["geometry"]))
        if densify_m:
            geometry = shapely.segmentize(geometry, densify_m)
        properties = feature["properties"]
        features.append(({"AGS": properties["ags"], "ARS": properties["ars"], "GEN": properties["name"]}, geometry))
    return features


def write_bkg_zip(path: Path, layer: str, parts: dict[str, bytes], aktualitaet: str = "01.01.2025") -> Path:
    """The folder structure of BKG's download vg250_01-01.utm32s.shape.ebenen.zip."""
    base = "vg250_01-01.utm32s.shape.ebenen/vg250_ebenen_0101/"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for suffix, data in parts.items():
            archive.writestr(f"{base}{layer}.{suffix}", data)
        archive.writestr("vg250_01-01.utm32s.shape.ebenen/aktualitaet.txt", aktualitaet)
        archive.writestr("vg250_01-01.utm32s.shape.ebenen/dokumentation/README.txt", "Dokumentation")
    return path


# ---------------------------------------------------------------------------------------------------------------
# GeoJSON (the shared reference files: BKG VG5000 in WGS84)


@pytest.mark.parametrize(("level", "file_name"), [(KREIS, "nrw_kreise.geojson"), (GEMEINDE, "nrw_gemeinden.geojson")])
def test_geojson_from_bkg_is_read_keyed_by_ags_with_rfc7946_rings(level, file_name):
    loaded = load_boundaries(level, GEO_DIR)
    assert loaded.message_de is None
    result = loaded.boundaries
    assert result.source_name == file_name  # not the Regierungsbezirke lying next to it
    assert set(result.ags) == reference_ags(level)
    assert all(feature["id"] == feature["properties"]["ags"] for feature in result.geojson["features"])
    assert_rfc7946_rings(result)
    # VG5000 is small enough to be kept as it is: every area equals the reference (the file is clockwise).
    reference = reference_features(file_name)
    for feature in result.geojson["features"]:
        geometry = shape(feature["geometry"])
        assert geometry.is_valid
        assert geometry.area == pytest.approx(reference[feature["id"]].area, rel=1e-4)
    assert result.year == 2021  # from the file's own attribution "© GeoBasis-DE / BKG 2021"
    assert result.attribution == "© GeoBasis-DE / BKG 2021 (Daten verändert)"
    min_lon, min_lat, max_lon, max_lat = result.bounds
    assert 5.8 < min_lon < max_lon < 9.5 and 50.3 < min_lat < max_lat < 52.6


def test_gemeinden_of_one_kreis_and_the_map_view():
    gemeinden = load_boundaries(GEMEINDE, GEO_DIR).boundaries
    olpe = gemeinden.subset("05966")
    districts = pd.read_csv(DISTRICTS_CSV, dtype=str)
    assert set(olpe.ags) == set(districts["ags"][districts["parent_ags"] == "05966"])
    assert olpe.names["05966004"] == "Attendorn"
    assert olpe.bounds[0] > gemeinden.bounds[0] and olpe.bounds[2] < gemeinden.bounds[2]
    whole, part = boundaries.map_view(gemeinden.bounds), boundaries.map_view(olpe.bounds)
    assert part["zoom"] > whole["zoom"] + 1
    assert olpe.bounds[0] < part["center"]["lon"] < olpe.bounds[2]
    assert olpe.bounds[1] < part["center"]["lat"] < olpe.bounds[3]


# ---------------------------------------------------------------------------------------------------------------
# Shapefiles (what BKG ships: ETRS89/UTM32)


def test_bkg_shapefile_zip_is_reprojected_to_wgs84_and_cut_to_nrw(tmp_path):
    features = bkg_features("nrw_kreise.geojson")
    hamburg = shapely.affinity.translate(features[0][1], 0, 400_000)  # a unit outside NRW must be dropped
    features.append(({"AGS": "02000", "ARS": "02000", "GEN": "Hamburg"}, hamburg))
    write_bkg_zip(tmp_path / "vg250_01-01.utm32s.shape.ebenen.zip", "VG250_KRS", shapefile_parts(features))

    result = load_boundaries(KREIS, tmp_path).boundaries
    assert result is not None
    assert result.source_name.endswith("VG250_KRS.shp")
    assert set(result.ags) == reference_ags(KREIS)
    assert_rfc7946_rings(result)
    reference = reference_features("nrw_kreise.geojson")
    for feature in result.geojson["features"]:
        # Back in WGS84 within the ~1 m rounding grid of both files.
        assert shape(feature["geometry"]).hausdorff_distance(reference[feature["id"]]) < 5e-5
    assert result.names["05966"] == "Olpe"
    assert result.year == 2025  # from aktualitaet.txt in the zip


def test_unpacked_gemeinde_shapefile_without_prj_and_ags_only_in_ars(tmp_path):
    features = [({"ARS": attributes["ARS"], "GEN": attributes["GEN"]}, geometry)
                for attributes, geometry in bkg_features("nrw_gemeinden.geojson")]
    folder = tmp_path / "vg5000_ebenen_0101"
    folder.mkdir()
    for suffix, data in shapefile_parts(features, with_prj=False).items():
        (folder / f"VG5000_GEM.{suffix}").write_bytes(data)

    result = load_boundaries(GEMEINDE, tmp_path).boundaries
    # The 8-digit AGS is derived from the 12-digit ARS; without .prj the metric coordinates are taken as UTM32.
    assert set(result.ags) == reference_ags(GEMEINDE)
    reference = reference_features("nrw_gemeinden.geojson")
    assert shape(result.geojson["features"][0]["geometry"]).hausdorff_distance(
        reference[result.ags[0]]) < 5e-5
    assert result.names["05966004"] == "Attendorn"


def test_detailed_boundaries_are_simplified_as_one_coverage(tmp_path):
    features = bkg_features("nrw_gemeinden.geojson", densify_m=40)
    parts = shapefile_parts(features)
    write_bkg_zip(tmp_path / "vg250.zip", "VG250_GEM", parts)
    detailed_vertices = sum(shapely.get_num_coordinates(geometry) for _, geometry in features)
    assert detailed_vertices > 5 * boundaries.VERTEX_BUDGET[GEMEINDE]

    result = load_boundaries(GEMEINDE, tmp_path).boundaries
    geometries = [shape(feature["geometry"]) for feature in result.geojson["features"]]
    assert len(geometries) == 396
    assert sum(shapely.get_num_coordinates(geometries)) <= boundaries.VERTEX_BUDGET[GEMEINDE]
    assert all(geometry.is_valid for geometry in geometries)
    assert_rfc7946_rings(result)
    # Neighbours keep one common border: no overlaps, and no gaps (the union's area is the sum of the parts).
    total = sum(geometry.area for geometry in geometries)
    assert shapely.union_all(geometries).area == pytest.approx(total, rel=1e-4)
    reference_total = sum(geometry.area for geometry in reference_features("nrw_gemeinden.geojson").values())
    assert total == pytest.approx(reference_total, rel=5e-3)


def test_vg250_water_parts_are_dropped_in_favour_of_the_land_area(tmp_path):
    features = bkg_features("nrw_kreise.geojson")
    ags, geometry = features[0][0]["AGS"], features[0][1]
    bigger = geometry.buffer(5_000)  # as if the unit had a lake: VG250 lists it again with GF 2
    features.append(({"AGS": ags, "ARS": ags, "GEN": "mit Gewässer", "GF": 2}, bigger))
    write_bkg_zip(tmp_path / "vg250.zip", "VG250_KRS", shapefile_parts(features))
    result = load_boundaries(KREIS, tmp_path).boundaries
    reference = reference_features("nrw_kreise.geojson")
    feature = next(feature for feature in result.geojson["features"] if feature["id"] == ags)
    assert shape(feature["geometry"]).area == pytest.approx(reference[ags].area, rel=1e-3)


def write_geopackage(path: Path, layers: dict[str, list[tuple[dict, object]]]) -> Path:
    """A minimal GeoPackage as BKG ships VG250 (one file, one feature table per level, EPSG:25832)."""
    connection = sqlite3.connect(path)
    connection.executescript("""
        create table gpkg_spatial_ref_sys (srs_name text, srs_id integer primary key, organization text,
            organization_coordsys_id integer, definition text, description text);
        create table gpkg_contents (table_name text primary key, data_type text, identifier text,
            description text, last_change text, min_x real, min_y real, max_x real, max_y real, srs_id integer);
        create table gpkg_geometry_columns (table_name text, column_name text, geometry_type_name text,
            srs_id integer, z integer, m integer);
    """)
    connection.execute("insert into gpkg_spatial_ref_sys values ('ETRS89 / UTM zone 32N', 25832, 'EPSG', 25832, ?, '')",
                       (CRS.from_epsg(25832).to_wkt(),))
    for layer, features in layers.items():
        connection.execute(f"create table {layer} (fid integer primary key, geom blob, AGS text, ARS text, GEN text,"
                           " GF integer)")
        connection.execute("insert into gpkg_contents (table_name, data_type, srs_id) values (?, 'features', 25832)",
                           (layer,))
        connection.execute("insert into gpkg_geometry_columns values (?, 'geom', 'MULTIPOLYGON', 25832, 0, 0)",
                           (layer,))
        for attributes, geometry in features:
            min_x, min_y, max_x, max_y = geometry.bounds
            # Header: magic, version 0, flags (little endian, envelope minx/maxx/miny/maxy), srs_id; then WKB.
            blob = b"GP" + bytes([0, 0b011]) + struct.pack("<i4d", 25832, min_x, max_x, min_y, max_y)
            connection.execute(f"insert into {layer} (geom, AGS, ARS, GEN, GF) values (?, ?, ?, ?, 4)",
                               (blob + shapely.to_wkb(geometry), attributes.get("AGS"), attributes.get("ARS"),
                                attributes.get("GEN")))
    connection.commit()
    connection.close()
    return path


def test_bkg_geopackage_in_its_zip_serves_both_levels(tmp_path):
    gpkg = write_geopackage(tmp_path / "DE_VG250.gpkg", {
        "vg250_krs": bkg_features("nrw_kreise.geojson"),
        "vg250_gem": bkg_features("nrw_gemeinden.geojson"),
        "vg250_lan": [({"AGS": "05", "ARS": "05", "GEN": "Nordrhein-Westfalen"}, bkg_features("nrw_kreise.geojson")[0][1])],
    })
    folder = tmp_path / "boundaries"
    folder.mkdir()
    with zipfile.ZipFile(folder / "vg250_01-01.utm32s.gpkg.ebenen.zip", "w") as archive:
        archive.write(gpkg, "vg250_01-01.utm32s.gpkg.ebenen/vg250_ebenen_0101/DE_VG250.gpkg")
        archive.writestr("vg250_01-01.utm32s.gpkg.ebenen/aktualitaet.txt", "01.01.2024")
    for level, file_name in ((KREIS, "nrw_kreise.geojson"), (GEMEINDE, "nrw_gemeinden.geojson")):
        result = load_boundaries(level, folder).boundaries
        assert result is not None, load_boundaries(level, folder).message_de
        assert set(result.ags) == reference_ags(level)
        assert result.source_name.endswith(f"(Ebene vg250_{'krs' if level == KREIS else 'gem'})")
        assert result.year == 2024
        reference = reference_features(file_name)
        first = result.geojson["features"][0]
        assert shape(first["geometry"]).hausdorff_distance(reference[first["id"]]) < 5e-5
        assert_rfc7946_rings(result)


# ---------------------------------------------------------------------------------------------------------------
# Configuration and caching


def test_folder_comes_from_the_environment_and_reads_are_cached(tmp_path, monkeypatch):
    (tmp_path / "kreise.geojson").write_bytes((GEO_DIR / "nrw_kreise.geojson").read_bytes())
    monkeypatch.setenv(boundaries.BOUNDARIES_DIR_ENV, str(tmp_path))
    assert boundaries.boundaries_dir() == tmp_path
    first = load_boundaries(KREIS)
    assert first.boundaries is not None
    assert load_boundaries(KREIS) is first  # read once

    # A replaced file is read anew.
    document = json.loads((GEO_DIR / "nrw_kreise.geojson").read_text("utf-8"))
    document["features"] = document["features"][:10]
    (tmp_path / "kreise.geojson").write_text(json.dumps(document), "utf-8")
    os.utime(tmp_path / "kreise.geojson", ns=(1, 1))
    assert len(load_boundaries(KREIS).boundaries.ags) == 10

    monkeypatch.setenv(boundaries.BOUNDARIES_DIR_ENV, "relative/folder")
    assert boundaries.boundaries_dir() == boundaries.PROJECT_ROOT / "relative" / "folder"


# ---------------------------------------------------------------------------------------------------------------
# Missing and broken files: no exception, a German message, the exact error in the log


def test_missing_folder_or_file_gives_a_hint_not_an_error(tmp_path):
    for directory in (tmp_path / "does-not-exist", tmp_path):
        loaded = load_boundaries(KREIS, directory)
        assert loaded.boundaries is None and not loaded.is_error
        assert "Keine Gebietsgrenzen" in loaded.message_de and "IM_BOUNDARIES_DIR" in loaded.message_de
        assert "Kachelraster" in loaded.message_de
    assert "Gemeindekarte" in load_boundaries(GEMEINDE, tmp_path).message_de


def _broken_cases(tmp_path: Path) -> dict[str, Path]:
    cases = {}
    folder = tmp_path / "zip"
    folder.mkdir()
    (folder / "vg250_krs.zip").write_bytes(b"PK\x03\x04 this is not a zip archive")
    cases["kein lesbares ZIP-Archiv"] = folder

    folder = tmp_path / "json"
    folder.mkdir()
    (folder / "kreise.geojson").write_text('{"type": "FeatureCollection", "features": [', "utf-8")
    cases["kein gültiges GeoJSON"] = folder

    folder = tmp_path / "attributes"
    folder.mkdir()
    document = json.loads((GEO_DIR / "nrw_kreise.geojson").read_text("utf-8"))
    for feature in document["features"]:
        feature["properties"] = {"name": feature["properties"]["name"]}
    (folder / "kreise.geojson").write_text(json.dumps(document), "utf-8")
    cases["kein Attribut AGS oder ARS"] = folder

    folder = tmp_path / "level"
    folder.mkdir()
    (folder / "kreise.geojson").write_bytes((GEO_DIR / "nrw_gemeinden.geojson").read_bytes())
    cases["enthält keine Kreise und kreisfreien Städte (5-stellige AGS)"] = folder

    folder = tmp_path / "truncated"
    folder.mkdir()
    parts = shapefile_parts(bkg_features("nrw_kreise.geojson"))
    parts["shp"] = parts["shp"][: len(parts["shp"]) // 3]
    write_bkg_zip(folder / "vg250.zip", "VG250_KRS", parts)
    cases["beschädigt oder kein unterstütztes Format"] = folder

    folder = tmp_path / "dbf"
    folder.mkdir()
    parts = shapefile_parts(bkg_features("nrw_kreise.geojson"))
    del parts["dbf"]
    write_bkg_zip(folder / "vg250.zip", "VG250_KRS", parts)
    cases["fehlt die Datei .dbf"] = folder

    folder = tmp_path / "gpkg"
    folder.mkdir()
    (folder / "DE_VG250.gpkg").write_bytes(b"SQLite format 3\x00" + b"\x00" * 50)
    cases["DE_VG250.gpkg ist beschädigt"] = folder
    return cases


def test_broken_files_give_a_german_message_and_the_exact_error_in_the_log(tmp_path, caplog):
    for expected, folder in _broken_cases(tmp_path).items():
        caplog.clear()
        with caplog.at_level(logging.ERROR, logger="dashboard.boundaries"):
            loaded = load_boundaries(KREIS, folder)
        assert loaded.boundaries is None and loaded.is_error, expected
        assert expected in loaded.message_de
        assert "Kachelraster" in loaded.message_de
        errors = [record for record in caplog.records if record.levelno >= logging.ERROR]
        assert errors and errors[0].exc_info is not None, expected  # the traceback is logged


def test_read_boundaries_rejects_a_file_without_nrw(tmp_path):
    features = [({"AGS": "09162", "ARS": "09162", "GEN": "München"},
                 shapely.affinity.translate(geometry, 300_000, -500_000))
                for _, geometry in bkg_features("nrw_kreise.geojson")[:3]]
    for suffix, data in shapefile_parts(features).items():
        (tmp_path / f"VG250_KRS.{suffix}").write_bytes(data)
    with pytest.raises(boundaries.BoundaryError, match="keine Gebiete aus Nordrhein-Westfalen"):
        read_boundaries(BoundarySource(tmp_path / "VG250_KRS.shp"), KREIS)
