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
