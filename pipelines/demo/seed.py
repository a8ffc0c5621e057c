"""Put the demo extracts into the inbox on a fresh installation (`make run`, `make pipeline`).

Only when the inbox holds no files and nothing was ever archived: a user's own extracts are never mixed with
demo data by this step. Rerunning it after the demo was loaded changes nothing.
"""

from __future__ import annotations

import sys

from pipelines.config import get_settings
from pipelines.demo.families import generate_demo
from pipelines.landing import inbox_files


def seed_inbox_if_empty() -> int:
    settings = get_settings()
    settings.ensure_dirs()
    if inbox_files(settings.inbox_dir) or any(settings.archive_dir.iterdir()):
        print(f"Posteingang {settings.inbox_dir}: vorhandene Daten werden verwendet, keine Demodaten hinzugefügt.")
        return 0
    written = generate_demo(settings.inbox_dir / "demo")
    print(f"Demodaten (synthetisch): {len(written)} Dateien in {settings.inbox_dir / 'demo'} gelegt.")
    return 0


if __name__ == "__main__":
    sys.exit(seed_inbox_if_empty())
