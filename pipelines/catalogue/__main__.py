"""`python -m pipelines.catalogue readme` prints sources/README.md as generated from the catalogue."""

import sys

from pipelines.catalogue import sources_readme

if __name__ == "__main__":
    if sys.argv[1:] != ["readme"]:
        sys.exit("usage: python -m pipelines.catalogue readme > sources/README.md")
    sys.stdout.write(sources_readme())
