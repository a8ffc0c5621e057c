"""Boundaries of the Kreise and Gemeinden for the dashboard's maps, read from files the user provides.

The product ships no boundaries (BKG's licence asks for attribution, and boundaries change): the user downloads
BKG's "Verwaltungsgebiete" (VG250 or VG5000, "Ebenen") and drops them into IM_BOUNDARIES_DIR (default
`sources/gebietsgrenzen/`), as the zip BKG ships, as unpacked shapefiles (.shp/.shx/.dbf/.prj), as GeoPackage or as
GeoJSON.
Shapefiles come in ETRS89/UTM32 (EPSG:25832; older VG5000 in Gauss-Krüger): the .prj tells the projection and the
geometries are reprojected to WGS84. Only NRW is kept (AGS starting with 05), keyed by the 5-digit (Kreis) or 8-digit
(Gemeinde) AGS. Large inputs (VG250) are simplified as one coverage, so that neighbours keep a common border.

The result is GeoJSON, drawn as inline SVG by map_svg.py (no tile server, works offline): rings in RFC 7946 order
(exterior counter-clockwise), coordinates rounded to about one metre.

A missing or unreadable file never breaks a page: `load_boundaries` returns no boundaries and a German message for
the user, and logs the exact error.
"""

from __future__ import annotations

import io
import json
import logging
import math
import os
import re
import sqlite3
import tempfile
import zipfile
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from pathlib import Path, PurePosixPath

import shapefile  # pyshp
import shapely
from pyproj import CRS, Transformer
from shapely.geometry import mapping, shape

from pipelines.config import PROJECT_ROOT

logger = logging.getLogger(__name__)

BOUNDARIES_DIR_ENV = "IM_BOUNDARIES_DIR"
DEFAULT_BOUNDARIES_DIR = "sources/gebietsgrenzen"

KREIS = "Kreis"
GEMEINDE = "Gemeinde"
AGS_LENGTH = {KREIS: 5, GEMEINDE: 8}
LEVEL_PLURAL_DE = {KREIS: "Kreise und kreisfreien Städte", GEMEINDE: "Gemeinden"}
NRW_PREFIX = "05"

WGS84 = CRS.from_epsg(4326)
# BKG's shapefiles: ETRS89 / UTM zone 32N. Also the metric CRS in which we simplify.
ETRS89_UTM32 = CRS.from_epsg(25832)

# Above these vertex counts (VG250 has several hundred thousand for NRW) the geometries are simplified; VG5000
# (about 4,000 vertices for the Kreise, 10,000 for the Gemeinden) stays as it is.
VERTEX_BUDGET = {KREIS: 12_000, GEMEINDE: 30_000}
COORDINATE_GRID_DEGREES = 1e-5  # about 1 m: far finer than any screen

LAYER_SUFFIXES = (".shp", ".gpkg", ".geojson", ".json")
SUPPORTED_SUFFIXES = LAYER_SUFFIXES + (".zip",)
# Words in BKG's layer names (VG250_KRS, VG5000_GEM) and in names people give their files.
LEVEL_NAME_TOKENS = {
    KREIS: {"krs", "kreis", "kreise", "landkreise"},
    GEMEINDE: {"gem", "gemeinde", "gemeinden"},
}


class BoundaryError(Exception):
    """A boundary file that cannot be used; the message is German and meant for the user."""


@dataclass(frozen=True)
class Boundaries:
    """NRW boundaries of one level as a GeoJSON FeatureCollection (WGS84), each feature's id its AGS."""

    level: str
    geojson: dict
    source_name: str
    year: int | None
    bounds: tuple[float, float, float, float]  # min lon, min lat, max lon, max lat
    names: dict[str, str] = field(default_factory=dict)  # AGS -> name as the file has it (GEN)

    @property
    def ags(self) -> list[str]:
        return [feature["id"] for feature in self.geojson["features"]]

    @property
    def attribution(self) -> str:
        """BKG's required source note; '(Daten verändert)' because we cut, reproject and simplify."""
        year = f" {self.year}" if self.year else ""
        return f"© GeoBasis-DE / BKG{year} (Daten verändert)"

    def bounds_of(self, ags: set[str] | list[str]) -> tuple[float, float, float, float]:
        """Bounds of some of the features (all of them when none match)."""
        wanted = set(ags)
        geometries = [shape(feature["geometry"]) for feature in self.geojson["features"] if feature["id"] in wanted]
        return tuple(shapely.total_bounds(geometries).tolist()) if geometries else self.bounds

    def subset(self, ags_prefix: str) -> Boundaries:
        """The features whose AGS starts with the prefix (e.g. the Gemeinden of one Kreis), with their own bounds."""
        features = [feature for feature in self.geojson["features"] if feature["id"].startswith(ags_prefix)]
        return Boundaries(
            level=self.level,
            geojson={"type": "FeatureCollection", "features": features},
            source_name=self.source_name,
            year=self.year,
            bounds=self.bounds_of([feature["id"] for feature in features]),
            names={ags: name for ags, name in self.names.items() if ags.startswith(ags_prefix)},
        )


@dataclass(frozen=True)
class BoundaryLoad:
    """What a page gets: the boundaries, or None and a German message saying why and what to do."""

    boundaries: Boundaries | None
    message_de: str | None = None
    is_error: bool = False  # True: a file is there but unusable (show a warning); False: simply none provided


# ---------------------------------------------------------------------------------------------------------------
# Where the files are


def boundaries_dir() -> Path:
    path = Path(os.environ.get(BOUNDARIES_DIR_ENV) or DEFAULT_BOUNDARIES_DIR).expanduser()
    return path if path.is_absolute() else PROJECT_ROOT / path


@dataclass(frozen=True)
class BoundarySource:
    """One candidate: a file, or a member of a zip archive (then `member` is its path inside the zip)."""

    path: Path
    member: str | None = None

    @property
    def display_name(self) -> str:
        return f"{self.path.name}: {self.member}" if self.member else self.path.name

    @property
    def suffix(self) -> str:
        return PurePosixPath(self.member).suffix.lower() if self.member else self.path.suffix.lower()

    @property
    def stem(self) -> str:
        return PurePosixPath(self.member).stem if self.member else self.path.stem


def _name_tokens(name: str) -> set[str]:
    return {token for token in re.split(r"[^a-z0-9äöü]+", name.lower()) if token}


def _candidates(directory: Path) -> list[BoundarySource]:
    found: list[BoundarySource] = []
    for path in sorted(directory.rglob("*")):
        suffix = path.suffix.lower()
        if not path.is_file() or suffix not in SUPPORTED_SUFFIXES:
            continue
        if suffix == ".zip":
            try:
                with zipfile.ZipFile(path) as archive:
                    members = [name for name in archive.namelist()
                               if PurePosixPath(name).suffix.lower() in LAYER_SUFFIXES]
            except (zipfile.BadZipFile, OSError) as error:
                logger.warning("Boundary archive %s cannot be opened: %s", path, error)
                members = []
                found.append(BoundarySource(path))  # reported as broken if nothing else matches
            found.extend(BoundarySource(path, member) for member in members)
        else:
            found.append(BoundarySource(path))
    return found


def find_boundary_source(directory: Path, level: str) -> BoundarySource | None:
    """The file for the level: named for it (VG250_KRS, VG5000_GEM, nrw_kreise.geojson), newest first.

    A directory with exactly one candidate uses it whatever its name (BKG's GeoPackage DE_VG250.gpkg holds all
    levels as layers); its AGS are checked on reading.
    """
    if not directory.is_dir():
        return None
    candidates = _candidates(directory)
    named = [source for source in candidates if _name_tokens(source.stem) & LEVEL_NAME_TOKENS[level]]
    if named:
        # The newest download wins; for one zip with both an unpacked copy, the unpacked files are equal anyway.
        return max(named, key=lambda source: (source.path.stat().st_mtime_ns, source.member is None))
    unnamed = [source for source in candidates
               if not any(_name_tokens(source.stem) & tokens for tokens in LEVEL_NAME_TOKENS.values())]
    return unnamed[0] if len(unnamed) == 1 else None


# ---------------------------------------------------------------------------------------------------------------
# Reading


@dataclass
class _RawFeature:
    properties: dict
    geometry: object  # shapely geometry in the source CRS


def _property(properties: dict, *names: str):
    lowered = {key.lower(): value for key, value in properties.items()}
    for name in names:
        value = lowered.get(name.lower())
        if value not in (None, ""):
            return value
    return None


def _ags_of(properties: dict, level: str) -> str | None:
    """AGS from BKG's attributes: AGS, else derived from the Regionalschlüssel (ARS/RS, 12 digits for Gemeinden)."""
    ags = _property(properties, "AGS", "ags_0", "GKZ")
    if ags is not None:
        return str(ags).strip()
    ars = _property(properties, "ARS", "RS")
    if ars is None:
        return None
    ars = str(ars).strip()
    if level == GEMEINDE and len(ars) == 12:
        return ars[:5] + ars[9:]  # Land, RB, Kreis + Gemeinde; the Gemeindeverband digits (6-9) are not in the AGS
    return ars


def _dbf_encoding(parts: dict[str, bytes]) -> str:
    """The attribute encoding from the .cpg sidecar (BKG writes one); without it UTF-8, as BKG's recent files."""
    declared = parts["cpg"].decode("ascii", "replace").strip() if "cpg" in parts else ""
    if declared.upper() in ("ANSI 1252", "1252", "WINDOWS-1252"):
        return "cp1252"
    try:
        "".encode(declared or "utf-8")
    except LookupError:
        return "utf-8"
    return declared or "utf-8"


def _read_shapefile(parts: dict[str, bytes], display_name: str) -> tuple[list[_RawFeature], CRS | None]:
    missing = [f".{suffix}" for suffix in ("shp", "dbf") if suffix not in parts]
    if missing:
        raise BoundaryError(f"Zum Shapefile {display_name} fehlt die Datei {', '.join(missing)}.")
    reader = shapefile.Reader(
        shp=io.BytesIO(parts["shp"]),
        shx=io.BytesIO(parts["shx"]) if "shx" in parts else None,
        dbf=io.BytesIO(parts["dbf"]),
        encoding=_dbf_encoding(parts),
        encodingErrors="replace",
    )
    try:
        if reader.shapeType not in (shapefile.POLYGON, shapefile.POLYGONZ, shapefile.POLYGONM):
            raise BoundaryError(f"{display_name} enthält keine Flächen (Shapefile-Typ {reader.shapeTypeName}).")
        field_names = [definition[0] for definition in reader.fields[1:]]
        features = []
        if "shx" in parts:
            # With the index, only NRW's shapes are read (VG250_GEM holds all 11,000 Gemeinden of Germany).
            for index, record in enumerate(reader.iterRecords()):
                properties = dict(zip(field_names, record))
                if str(_ags_of(properties, GEMEINDE) or "").startswith(NRW_PREFIX):
                    features.append(_RawFeature(properties, shape(reader.shape(index).__geo_interface__)))
        else:
            for shape_record in reader.iterShapeRecords():
                properties = dict(zip(field_names, shape_record.record))
                if str(_ags_of(properties, GEMEINDE) or "").startswith(NRW_PREFIX):
                    features.append(_RawFeature(properties, shape(shape_record.shape.__geo_interface__)))
    finally:
        reader.close()
    crs = CRS.from_wkt(parts["prj"].decode("latin-1")) if "prj" in parts else None
    return features, crs


def _read_geojson(data: bytes, display_name: str) -> tuple[list[_RawFeature], CRS | None, str]:
    """Features, the CRS the file names (None: WGS84 or unknown) and its attribution text, if any."""
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise BoundaryError(f"{display_name} ist kein gültiges GeoJSON.") from error
    if not isinstance(document, dict) or document.get("type") != "FeatureCollection":
        raise BoundaryError(f"{display_name} ist keine GeoJSON-FeatureCollection.")
    crs = None
    # RFC 7946 GeoJSON is WGS84; files written by older tools may name another CRS (e.g. EPSG:25832).
    crs_name = ((document.get("crs") or {}).get("properties") or {}).get("name")
    if crs_name:
        crs = CRS.from_user_input(crs_name)
    features = []
    for feature in document.get("features") or []:
        if not feature.get("geometry"):
            continue
        features.append(_RawFeature(feature.get("properties") or {}, shape(feature["geometry"])))
    return features, crs, str(document.get("attribution") or "")


# GeoPackage geometry blobs: "GP", version, flags, srs_id, an envelope of 0-64 bytes (flags bits 1-3), then WKB.
_GPKG_ENVELOPE_BYTES = {0: 0, 1: 32, 2: 48, 3: 48, 4: 64}


def _gpkg_geometry(blob: bytes):
    if blob is None or bytes(blob[:2]) != b"GP":
        return None
    flags = blob[3]
    if flags & 0b10000:  # empty geometry
        return None
    envelope = _GPKG_ENVELOPE_BYTES.get((flags >> 1) & 0b111)
    if envelope is None:
        raise BoundaryError("Unbekannte Geometrie-Kodierung im GeoPackage.")
    return shapely.from_wkb(bytes(blob[8 + envelope:]))


def _read_geopackage(path: Path, level: str, display_name: str) -> tuple[list[_RawFeature], CRS | None, str]:
    """The level's layer of a GeoPackage (BKG: vg250_krs, vg250_gem in one DE_VG250.gpkg). Returns the features,
    the layer's CRS and the layer name."""
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        layers = [row[0] for row in connection.execute(
            "select table_name from gpkg_contents where data_type = 'features' order by table_name")]
        named = [layer for layer in layers if _name_tokens(layer) & LEVEL_NAME_TOKENS[level]]
        if len(named) == 1 or len(layers) == 1:
            layer = named[0] if named else layers[0]
        else:
            raise BoundaryError(f"{display_name} enthält keine eindeutige Ebene für die {LEVEL_PLURAL_DE[level]} "
                                f"(Ebenen: {', '.join(layers) or 'keine'}).")
        column, srs_id = connection.execute(
            "select column_name, srs_id from gpkg_geometry_columns where table_name = ?", (layer,)).fetchone()
        reference = connection.execute(
            "select organization, organization_coordsys_id, definition from gpkg_spatial_ref_sys where srs_id = ?",
            (srs_id,)).fetchone()
        crs = None
        if reference:
            organization, code, definition = reference
            crs = (CRS.from_epsg(code) if str(organization).upper() == "EPSG" and code and code > 0
                   else CRS.from_wkt(definition) if definition and definition != "undefined" else None)
        quoted = '"' + layer.replace('"', '""') + '"'
        cursor = connection.execute(f"select * from {quoted}")
        names = [description[0] for description in cursor.description]
        features = []
        for row in cursor:
            properties = dict(zip(names, row))
            blob = properties.pop(column)
            if str(_ags_of(properties, GEMEINDE) or "").startswith(NRW_PREFIX):
                geometry = _gpkg_geometry(blob)
                if geometry is not None:
                    features.append(_RawFeature(properties, geometry))
    finally:
        connection.close()
    return features, crs, layer


def _source_bytes(source: BoundarySource) -> dict[str, bytes]:
    """The file's bytes, and for a shapefile its sidecar files (.shx, .dbf, .prj, .cpg) by suffix."""
    wanted = ("shp", "shx", "dbf", "prj", "cpg") if source.suffix == ".shp" else (source.suffix.lstrip("."),)
    parts: dict[str, bytes] = {}
    if source.member is None:
        if source.suffix == ".zip":
            raise BoundaryError(f"{source.path.name} ist kein lesbares ZIP-Archiv.")
        for sibling in source.path.parent.iterdir():
            if sibling.stem == source.path.stem and sibling.suffix.lower().lstrip(".") in wanted:
                parts[sibling.suffix.lower().lstrip(".")] = sibling.read_bytes()
        return parts
    member_stem = str(PurePosixPath(source.member).with_suffix(""))
    with zipfile.ZipFile(source.path) as archive:
        for name in archive.namelist():
            path = PurePosixPath(name)
            if str(path.with_suffix("")) == member_stem and path.suffix.lower().lstrip(".") in wanted:
                parts[path.suffix.lower().lstrip(".")] = archive.read(name)
    return parts


def _guess_crs(geometries: list) -> CRS:
    """No .prj and no crs member: longitude/latitude if the numbers fit, else BKG's UTM32 (the common case)."""
    min_x, min_y, max_x, max_y = shapely.total_bounds(geometries)
    if -180 <= min_x and max_x <= 180 and -90 <= min_y and max_y <= 90:
        return WGS84
    return ETRS89_UTM32


def _transform(geometries: list, source: CRS, target: CRS) -> list:
    if source == target:
        return geometries
    transformer = Transformer.from_crs(source, target, always_xy=True)
    return [shapely.transform(geometry, lambda xy: _apply(transformer, xy)) for geometry in geometries]


def _apply(transformer: Transformer, coordinates):
    x, y = transformer.transform(coordinates[:, 0], coordinates[:, 1])
    coordinates[:, 0], coordinates[:, 1] = x, y
    return coordinates


def _polygonal(geometry):
    """Polygons only: make_valid can leave lines or points where an input ring touched itself."""
    geometry = shapely.make_valid(geometry) if not shapely.is_valid(geometry) else geometry
    if geometry.geom_type in ("Polygon", "MultiPolygon"):
        return geometry
    polygons = [part for part in getattr(geometry, "geoms", []) if part.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.union_all(polygons) if polygons else None


def _year_of(source: BoundarySource, text_hints: list[str]) -> int | None:
    """The year for BKG's source note: named in the file ('BKG 2021', aktualitaet.txt '01.01.2021') or the year the
    file was saved (BKG asks for the year the data were obtained)."""
    for text in text_hints:
        match = re.search(r"BKG\s*(\d{4})", text) or re.search(r"\b\d{2}\.\d{2}\.(\d{4})\b", text)
        if match:
            return int(match.group(1))
    return datetime.fromtimestamp(source.path.stat().st_mtime).year


def _aktualitaet(source: BoundarySource) -> list[str]:
    """BKG ships aktualitaet.txt ('01.01.2021') next to the layers."""
    texts = []
    if source.member is None:
        for directory in (source.path.parent, source.path.parent.parent):
            candidate = directory / "aktualitaet.txt"
            if candidate.is_file():
                texts.append(candidate.read_text("latin-1"))
    else:
        with zipfile.ZipFile(source.path) as archive:
            texts += [archive.read(name).decode("latin-1") for name in archive.namelist()
                      if PurePosixPath(name).name.lower() == "aktualitaet.txt"]
    return texts


def _vertex_count(geometries: list) -> int:
    return int(sum(shapely.get_num_coordinates(geometries)))


def _simplify(geometries: list, budget: int) -> list:
    """Simplify as a coverage (shared borders stay shared, no gaps or slivers) until under the vertex budget."""
    tolerance = 25.0  # metres (Visvalingam-Whyatt: about the square root of the removed triangles' area)
    simplified = geometries
    while _vertex_count(simplified) > budget and tolerance < 5_000:
        simplified = list(shapely.coverage_simplify(geometries, tolerance))
        tolerance *= 2
    return simplified


def read_boundaries(source: BoundarySource, level: str) -> Boundaries:
    """Read one boundary file for the level: NRW only, one feature per AGS, WGS84, simplified when large.

    Raises BoundaryError with a German message when the file cannot be used.
    """
    if level not in AGS_LENGTH:
        raise ValueError(f"unknown level {level!r}")
    display_name = source.display_name
    if source.suffix == ".gpkg":
        # SQLite reads files only: a GeoPackage inside a zip is unpacked to a temporary folder first.
        with tempfile.TemporaryDirectory(prefix="im_gpkg_") as folder:
            path = source.path
            if source.member is not None:
                path = Path(folder) / "layer.gpkg"
                with zipfile.ZipFile(source.path) as archive, archive.open(source.member) as member:
                    path.write_bytes(member.read())
            raw, crs, layer = _read_geopackage(path, level, display_name)
        display_name = f"{display_name} (Ebene {layer})"
        hints = []
    elif source.suffix == ".shp":
        parts = _source_bytes(source)
        raw, crs = _read_shapefile(parts, source.display_name)
        hints = []
    else:
        parts = _source_bytes(source)
        data = parts.get(source.suffix.lstrip("."))
        if data is None:
            raise BoundaryError(f"{source.display_name} konnte nicht gelesen werden.")
        raw, crs, attribution = _read_geojson(data, source.display_name)
        hints = [attribution]
    length = AGS_LENGTH[level]

    by_ags: dict[str, list[_RawFeature]] = {}
    for feature in raw:
        ags = _ags_of(feature.properties, level)
        if ags is None:
            attributes = ", ".join(feature.properties) or "keine"
            raise BoundaryError(
                f"{display_name} hat kein Attribut AGS oder ARS (vorhanden: {attributes})."
            )
        if ags.startswith(NRW_PREFIX):
            by_ags.setdefault(ags, []).append(feature)
    if not by_ags:
        raise BoundaryError(f"{display_name} enthält keine Gebiete aus Nordrhein-Westfalen (AGS 05…).")
    wrong_length = sorted(ags for ags in by_ags if len(ags) != length)
    if wrong_length:
        raise BoundaryError(
            f"{display_name} enthält keine {LEVEL_PLURAL_DE[level]} ({length}-stellige AGS), "
            f"sondern zum Beispiel den Schlüssel {wrong_length[0]}."
        )

    ags_list = sorted(by_ags)
    geometries, names = [], {}
    for ags in ags_list:
        features = by_ags[ags]
        # VG250 has a unit once per Geofaktor (GF 4 = land with structure, lower = including water areas):
        # the highest GF is the land area.
        factors = [_property(f.properties, "GF") for f in features]
        if all(factor is not None for factor in factors) and len(features) > 1:
            top = max(int(factor) for factor in factors)
            features = [f for f, factor in zip(features, factors) if int(factor) == top]
        parts_valid = [_polygonal(f.geometry) for f in features]
        parts_valid = [part for part in parts_valid if part is not None and not part.is_empty]
        if not parts_valid:
            raise BoundaryError(f"{display_name}: das Gebiet {ags} hat keine gültige Fläche.")
        geometries.append(parts_valid[0] if len(parts_valid) == 1 else shapely.union_all(parts_valid))
        name = _property(features[0].properties, "GEN", "name")
        if name:
            names[ags] = str(name)

    crs = crs or _guess_crs(geometries)
    metric = _transform(geometries, crs, ETRS89_UTM32)
    metric = _simplify(metric, VERTEX_BUDGET[level])
    lonlat = _transform(metric, ETRS89_UTM32, WGS84)
    lonlat = shapely.set_precision(lonlat, COORDINATE_GRID_DEGREES)
    # RFC 7946 ring order (exterior counter-clockwise, holes clockwise), what MapLibre and the spec expect.
    lonlat = shapely.orient_polygons(lonlat, exterior_cw=False)

    min_lon, min_lat, max_lon, max_lat = shapely.total_bounds(lonlat).tolist()
    if not (-180 <= min_lon <= max_lon <= 180 and -90 <= min_lat <= max_lat <= 90):
        raise BoundaryError(f"{display_name}: die Koordinaten ließen sich nicht nach WGS84 umrechnen.")
    features = [
        {"type": "Feature", "id": ags, "properties": {"ags": ags, "name": names.get(ags, "")},
         "geometry": mapping(geometry)}
        for ags, geometry in zip(ags_list, lonlat)
    ]
    return Boundaries(
        level=level,
        geojson={"type": "FeatureCollection", "features": features},
        source_name=display_name,
        year=_year_of(source, hints + _aktualitaet(source)),
        bounds=(min_lon, min_lat, max_lon, max_lat),
        names=names,
    )


# ---------------------------------------------------------------------------------------------------------------
# What pages call


def _missing_message(level: str, directory: Path) -> str:
    fallback = ("die Karte zeigt deshalb ein Kachelraster (ein Quadrat je Kreis)" if level == KREIS
                else "eine Gemeindekarte ist deshalb nicht möglich")
    return (
        f"Keine Gebietsgrenzen für die {LEVEL_PLURAL_DE[level]} gefunden: {fallback}. Für eine echte Karte die "
        f"Verwaltungsgebiete des BKG (VG250 oder VG5000, „Ebenen“, als Shapefile-ZIP, GeoPackage oder GeoJSON) "
        f"herunterladen und in den Ordner {directory} legen (Umgebungsvariable {BOUNDARIES_DIR_ENV})."
    )


def _unusable_message(level: str, reason: str) -> str:
    fallback = ("Die Karte zeigt deshalb ein Kachelraster." if level == KREIS
                else "Eine Gemeindekarte ist deshalb nicht möglich.")
    return f"Die Gebietsgrenzen konnten nicht verwendet werden: {reason} {fallback}"


def _folder_signature(directory: Path) -> tuple:
    """Names, sizes and modification times of the folder's files: a new or replaced file changes it."""
    if not directory.is_dir():
        return ()
    return tuple(sorted((str(path.relative_to(directory)), path.stat().st_size, path.stat().st_mtime_ns)
                        for path in directory.rglob("*") if path.is_file()))


@lru_cache(maxsize=8)
def _load_cached(directory: Path, level: str, signature: tuple) -> BoundaryLoad:
    # `signature` is part of the cache key only: the folder is searched and read again once its files change.
    source = find_boundary_source(directory, level)
    if source is None:
        return BoundaryLoad(None, _missing_message(level, directory))
    try:
        boundaries = read_boundaries(source, level)
    except BoundaryError as error:
        logger.error("Boundary file %s (%s) not usable: %s", source.display_name, level, error, exc_info=True)
        return BoundaryLoad(None, _unusable_message(level, str(error)), is_error=True)
    except Exception as error:  # a broken file must never break a page: any reader error ends here
        logger.exception("Boundary file %s (%s) could not be read", source.display_name, level)
        reason = (f"Die Datei {source.display_name} ist beschädigt oder kein unterstütztes Format "
                  f"({type(error).__name__}; der genaue Fehler steht im Protokoll).")
        return BoundaryLoad(None, _unusable_message(level, reason), is_error=True)
    vertices = _vertex_count([shape(feature["geometry"]) for feature in boundaries.geojson["features"]])
    logger.info("Boundaries %s read from %s: %d units, %d vertices", level, boundaries.source_name,
                len(boundaries.geojson["features"]), vertices)
    return BoundaryLoad(boundaries)


def load_boundaries(level: str, directory: Path | None = None) -> BoundaryLoad:
    """The NRW boundaries of the level (KREIS or GEMEINDE) from the boundaries folder, read once and cached.

    Never raises for a missing folder or a bad file: then `boundaries` is None and `message_de` says why.
    """
    directory = directory or boundaries_dir()
    try:
        return _load_cached(directory, level, _folder_signature(directory))
    except OSError as error:
        logger.error("Boundaries folder %s cannot be searched: %s", directory, error, exc_info=True)
        return BoundaryLoad(None, _unusable_message(level, f"Der Ordner {directory} ist nicht lesbar."), is_error=True)


def map_view(bounds: tuple[float, float, float, float], width_px: int = 700, height_px: int = 560) -> dict:
    """Centre and zoom that show the bounds in a map of about this size (web-mercator tiles of 512 px)."""
    min_lon, min_lat, max_lon, max_lat = bounds

    def mercator_y(lat: float) -> float:
        return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))

    lon_span = max(max_lon - min_lon, 1e-6)
    y_span = max(mercator_y(max_lat) - mercator_y(min_lat), 1e-9)
    zoom_x = math.log2(width_px / 512 * 360 / lon_span)
    zoom_y = math.log2(height_px / 512 * 2 * math.pi / y_span)
    centre_y = (mercator_y(max_lat) + mercator_y(min_lat)) / 2
    centre_lat = math.degrees(2 * math.atan(math.exp(centre_y)) - math.pi / 2)
    return {"center": {"lon": (min_lon + max_lon) / 2, "lat": centre_lat}, "zoom": min(zoom_x, zoom_y) - 0.15}
