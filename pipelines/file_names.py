"""File names are data from outside, never trusted as text or as a path.

An inbox file's name can be anything the file system allows: 255 bytes long, with line breaks and other control
characters, with characters that are path separators elsewhere (a backslash), with a leading dash that a shell command
would take for an option, or with bytes that are not UTF-8 (Python hands those on as lone surrogates, which DuckDB and
UTF-8 text files refuse). Two forms are made from it:

- `escaped_name`: the original name as text for reports, the lineage (raw.source_files, raw.rejected_files) and the
  log. Every character that could mislead a reader (control and format characters, undecodable bytes) is written as an
  escape and the backslash is doubled, so a name can never forge a line of a report; ordinary names stay as they are.
- `safe_name`: the name the file is stored under in the archive and the quarantine: short enough for a prefix and a
  suffix within the 255-byte limit, valid UTF-8, no control characters, no path separators or characters Windows
  refuses (the folders are often copied to a file share), no leading dash or dot.
"""

from __future__ import annotations

import hashlib
import os
import re

# Room for the quarantine's time stamp and counter in front and ".fehler.json" behind, within 255 bytes.
SAFE_NAME_MAX_BYTES = 120

_UNSAFE_CHARACTERS = frozenset('/\\<>:"|?*')
_WINDOWS_DEVICES = frozenset({"CON", "PRN", "AUX", "NUL", *(f"COM{n}" for n in range(10)),
                              *(f"LPT{n}" for n in range(10))})
_SHORT_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t", "\\": "\\\\"}


def _undecodable_byte(character: str) -> int | None:
    """The byte behind a lone surrogate of os.fsdecode (surrogateescape), else None."""
    code = ord(character)
    return code - 0xDC00 if 0xDC80 <= code <= 0xDCFF else None


def escaped_name(name: str) -> str:
    """The name as unambiguous, printable UTF-8 text: `\\n`, `\\r`, `\\t`, `\\\\`; other control characters below 0x80
    and undecodable bytes as `\\xNN`; other unprintable characters (C1 controls, bidirectional overrides, zero-width
    spaces) as `\\uNNNN`."""
    parts = []
    for character in name:
        byte = _undecodable_byte(character)
        if byte is not None:
            parts.append(f"\\x{byte:02x}")
        elif character in _SHORT_ESCAPES:
            parts.append(_SHORT_ESCAPES[character])
        elif character.isprintable():
            parts.append(character)
        elif ord(character) < 0x80:
            parts.append(f"\\x{ord(character):02x}")
        elif ord(character) <= 0xFFFF:
            parts.append(f"\\u{ord(character):04x}")
        else:
            parts.append(f"\\U{ord(character):08x}")
    return "".join(parts)


def safe_name(name: str, max_bytes: int = SAFE_NAME_MAX_BYTES) -> str:
    """A name to store the file under (see the module docstring). Changed characters become `_`; a name longer than
    `max_bytes` keeps its start and extension and gets `~` and 8 hex digits of the original name's hash, so that two
    long names that differ only at the end stay apart."""
    characters = [
        "_" if _undecodable_byte(c) is not None or not c.isprintable() or c in _UNSAFE_CHARACTERS else c
        for c in name
    ]
    text = "".join(characters).rstrip(" .")  # Windows drops trailing dots and blanks
    text = re.sub(r"^[-.~ ]", "_", text) or "datei"
    if text.split(".", 1)[0].upper() in _WINDOWS_DEVICES:
        text = "_" + text
    if len(text.encode("utf-8")) <= max_bytes:
        return text
    stem, dot, extension = text.rpartition(".")
    if not dot or not stem or len(extension) > 10:
        stem, extension = text, ""
    marker = "~" + hashlib.sha256(os.fsencode(name)).hexdigest()[:8] + (f".{extension}" if extension else "")
    budget = max_bytes - len(marker.encode("utf-8"))
    shortened = stem.encode("utf-8")[:budget].decode("utf-8", errors="ignore")
    return shortened + marker
