"""Runtime configuration: every path the pipeline touches, from environment variables with defaults.

IM_SOURCES_DIR (default `sources/`) holds inbox/, archive/ and quarantine/.
IM_DATA_DIR (default `data/`) holds the warehouse, the serving snapshot and Dagster's run history.
IM_STANDARDS_FILE (default: the catalogue shipped in pipelines/standards/standards.yml) is the quality-standards
catalogue of the KIs; the Koordinierungsstelle may keep its own edited copy anywhere and point this variable at it.
IM_MAX_FILE_MB (default 10) and IM_MAX_UNPACKED_MB (default 100) limit what the landing opens: an inbox file larger
than the first, or a workbook (a zip) that unpacks to more than the second, is refused with a German reason before it
is read; parsing costs about 45 times a file's size in memory, so the limits bound the memory of a run.
IM_INBOX_SETTLE_SECONDS (default 2): an inbox file counts as complete once its size and time stamps have not changed
for that long; a file still being written stays in the inbox for the next run.
Relative values are taken relative to the project root, so commands behave the same from any working directory.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
DBT_PROJECT_DIR = PROJECT_ROOT / "dbt_project"
SHIPPED_STANDARDS_FILE = PROJECT_ROOT / "pipelines" / "standards" / "standards.yml"


def _path_from_env(name: str, default: str) -> Path:
    path = Path(os.environ.get(name) or default).expanduser()
    return path if path.is_absolute() else (PROJECT_ROOT / path)


MEGABYTE = 1024 * 1024


def _number_from_env(name: str, default: float) -> float:
    text = os.environ.get(name) or ""
    if not text.strip():
        return default
    try:
        value = float(text.replace(",", "."))
    except ValueError:
        value = -1
    if value < 0:
        raise ValueError(f"{name} muss eine Zahl ab 0 sein (gefunden: {text!r}).")
    return value


@dataclass(frozen=True)
class Settings:
    sources_dir: Path
    data_dir: Path
    standards_file: Path = SHIPPED_STANDARDS_FILE
    max_file_bytes: int = 10 * MEGABYTE
    max_unpacked_bytes: int = 100 * MEGABYTE
    inbox_settle_seconds: float = 2.0

    @property
    def inbox_dir(self) -> Path:
        return self.sources_dir / "inbox"

    @property
    def archive_dir(self) -> Path:
        return self.sources_dir / "archive"

    @property
    def quarantine_dir(self) -> Path:
        return self.sources_dir / "quarantine"

    @property
    def warehouse_path(self) -> Path:
        return self.data_dir / "warehouse.duckdb"

    @property
    def serving_path(self) -> Path:
        return self.data_dir / "serving.duckdb"

    @property
    def validation_report_path(self) -> Path:
        return self.data_dir / "validation_report.zip"

    @property
    def dagster_home(self) -> Path:
        return self.data_dir / "dagster"

    def ensure_dirs(self) -> None:
        for directory in (self.inbox_dir, self.archive_dir, self.quarantine_dir, self.data_dir):
            directory.mkdir(parents=True, exist_ok=True)


def get_settings() -> Settings:
    """Read the settings anew on every call: tests and scripts change the environment between runs."""
    return Settings(
        sources_dir=_path_from_env("IM_SOURCES_DIR", "sources"),
        data_dir=_path_from_env("IM_DATA_DIR", "data"),
        standards_file=_path_from_env("IM_STANDARDS_FILE", str(SHIPPED_STANDARDS_FILE)),
        max_file_bytes=int(_number_from_env("IM_MAX_FILE_MB", 10) * MEGABYTE),
        max_unpacked_bytes=int(_number_from_env("IM_MAX_UNPACKED_MB", 100) * MEGABYTE),
        inbox_settle_seconds=_number_from_env("IM_INBOX_SETTLE_SECONDS", 2.0),
    )


def export_for_dbt(settings: Settings) -> None:
    """dbt runs as a subprocess and finds the warehouse through profiles.yml, which reads this variable."""
    os.environ["IM_WAREHOUSE_PATH"] = str(settings.warehouse_path)
