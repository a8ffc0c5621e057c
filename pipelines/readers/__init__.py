"""Readers for official statistics downloads (pure functions: bytes in, records out)."""

from pipelines.readers.errors import ReaderError
from pipelines.readers.genesis_table import GenesisCell, GenesisTable, is_genesis_table, read_genesis_table

__all__ = ["GenesisCell", "GenesisTable", "ReaderError", "is_genesis_table", "read_genesis_table"]
