"""Errors raised by the source readers."""

from __future__ import annotations


class ReaderError(Exception):
    """A file that cannot be read.

    message_de: clear German sentence for the user (what is wrong, where, and what to do).
    detail: exact English technical detail for the log; ``str(exc)`` returns it.
    line / column: 1-based position in the file, if known.
    value: the offending cell text, if any.
    """

    def __init__(
        self,
        message_de: str,
        detail: str,
        *,
        line: int | None = None,
        column: int | None = None,
        value: str | None = None,
    ) -> None:
        super().__init__(detail)
        self.message_de = message_de
        self.detail = detail
        self.line = line
        self.column = column
        self.value = value

    def __str__(self) -> str:
        return self.detail


_WEB_PAGE_STARTS = ("<!doctype html", "<html", "<?xml", "<head")


def reject_html(text: str, hint: str, detail: str) -> None:
    """Raise if a download is a web page (an error or sign-in page of the portal saved under the table's name)."""
    start = text.lstrip().lower()
    if start.startswith(_WEB_PAGE_STARTS):
        raise ReaderError(
            "Die Datei ist keine CSV-Datei, sondern eine Webseite (HTML), z. B. eine Fehler- oder Anmeldeseite des "
            f"Portals, die unter dem Namen der Tabelle gespeichert wurde. {hint}",
            detail,
            line=1,
            value=text.lstrip()[:200],
        )
