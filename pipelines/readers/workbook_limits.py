"""How much a workbook may unpack to before a reader opens it.

An .xlsx file is a zip archive: a file of 1,5 MB can unpack to 1,5 GB of worksheet XML (a "zip bomb"), and every
reader that opens it (the zip sniffers, openpyxl, calamine) would hold that in memory. `check_unpacked_size` is called
by each reader before it opens a workbook: it adds up what the members really unpack to, a chunk at a time, and
refuses the file with a German reason once that passes the limit (IM_MAX_UNPACKED_MB, pipelines/config.py).
"""

from __future__ import annotations

import io
import zipfile
import zlib

from pipelines.formatting_de import format_number
from pipelines.readers.errors import ReaderError

_CHUNK = 1024 * 1024


def check_unpacked_size(data: bytes, limit: int | None = None) -> None:
    """Raise ReaderError if the zip archive `data` unpacks to more than `limit` bytes (default: the configured
    IM_MAX_UNPACKED_MB). Archives that are not zips, or are broken, are left to the reader's own messages."""
    if limit is None:
        from pipelines.config import get_settings

        limit = get_settings().max_unpacked_bytes
    if limit <= 0:
        return
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
            declared = sum(member.file_size for member in members)
            if declared > limit:
                _refuse(declared, limit, f"the archive declares {declared} bytes unpacked")
            # The declared sizes may lie: count what the members really unpack to, holding one chunk at a time.
            unpacked = 0
            for member in members:
                with archive.open(member) as stream:
                    while chunk := stream.read(_CHUNK):
                        unpacked += len(chunk)
                        if unpacked > limit:
                            _refuse(unpacked, limit, f"the members unpack to more than {limit} bytes")
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError, ValueError, OSError):
        return  # not a readable zip: the reader says so in its own words


def _refuse(size: int, limit: int, detail: str) -> None:
    raise ReaderError(
        f"Die Excel-Datei ist entpackt zu groß (mindestens {format_number(size / 1024 / 1024, 0)} MB, erlaubt sind "
        f"{format_number(limit / 1024 / 1024, 0)} MB). Sie wurde nicht geöffnet. Bitte nur die benötigte Tabelle "
        "herunterladen oder die Grenze IM_MAX_UNPACKED_MB anpassen.",
        f"{detail}; limit {limit} bytes (IM_MAX_UNPACKED_MB)",
    )
