"""Command line for the KI quality-standards catalogue.

    python -m pipelines.standards check [<file>]              check a catalogue (default: IM_STANDARDS_FILE or the
                                                               shipped pipelines/standards/standards.yml)
    python -m pipelines.standards docs > docs/standards.md    the documentation of the format, metrics and standards
"""

from __future__ import annotations

import logging
import sys

from pipelines.config import get_settings
from pipelines.standards.catalogue import StandardsCatalogueError, load_standards_catalogue, rule_text_de


def main(argv: list[str]) -> int:
    command = argv[0] if argv else ""
    if command == "check" and len(argv) <= 2:
        path = argv[1] if len(argv) == 2 else get_settings().standards_file
        logging.basicConfig(level=logging.CRITICAL)  # the problems are printed below, in German and in full
        try:
            catalogue = load_standards_catalogue(path)
        except StandardsCatalogueError as error:
            print(error.message_de, file=sys.stderr)
            if error.detail != "\n".join(error.problems):
                print(f"\nTechnische Einzelheiten (englisch):\n{error.detail}", file=sys.stderr)
            return 1
        versions = sum(len(standard.versions) for standard in catalogue.standards)
        print(f"Standardkatalog in Ordnung: {catalogue.path}\n{catalogue.edition}: {len(catalogue.standards)} "
              f"Standards, {versions} Fassungen.")
        for standard in catalogue.standards:
            current = standard.current_version
            print(f"- {standard.id}: {standard.name_de} – aktuelle Fassung {current.version} ab "
                  f"{current.valid_from}: {rule_text_de(current.rule)}")
        return 0
    if command == "docs" and len(argv) == 1:
        from pipelines.standards.docs import markdown_docs

        sys.stdout.buffer.write(markdown_docs().encode("utf-8"))
        return 0
    print(__doc__.strip(), file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
