"""Command line for the Kreis templates.

    python -m pipelines.templates docs > docs/templates.md        the column-by-column documentation
    python -m pipelines.templates xlsx <template_id> <out.xlsx>   an empty Excel template
    python -m pipelines.templates csv <template_id> <sheet> <out.csv>   an empty CSV template of one sheet
    python -m pipelines.templates list                            template ids, sheets and CSV file names
"""

from __future__ import annotations

import sys
from pathlib import Path

from pipelines.templates.render import empty_csv, empty_workbook, markdown_docs
from pipelines.templates.spec import csv_file_name, template_specs


def main(argv: list[str]) -> int:
    command = argv[0] if argv else ""
    specs = template_specs()
    if command == "docs" and len(argv) == 1:
        sys.stdout.buffer.write(markdown_docs().encode("utf-8"))
        return 0
    if command == "xlsx" and len(argv) == 3 and argv[1] in specs:
        Path(argv[2]).write_bytes(empty_workbook(argv[1]))
        return 0
    if command == "csv" and len(argv) == 4 and argv[1] in specs:
        if argv[2] not in [sheet.name for sheet in specs[argv[1]].sheets]:
            print(f"unknown sheet {argv[2]!r} of {argv[1]}", file=sys.stderr)
            return 2
        Path(argv[3]).write_bytes(empty_csv(argv[1], argv[2]))
        return 0
    if command == "list" and len(argv) == 1:
        for spec in specs.values():
            for sheet in spec.sheets:
                print(f"{spec.id}\t{sheet.name}\t{csv_file_name(spec, sheet.name)}")
        return 0
    print(__doc__.strip(), file=sys.stderr)
    print(f"\ntemplates: {', '.join(specs)}", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
