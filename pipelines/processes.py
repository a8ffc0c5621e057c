"""Whether a process still runs: a run's Dagster record and a publish's temporary files name the process id that
owns them, and what a dead process left is released or removed (pipelines/run.py, pipelines/publish.py)."""

from __future__ import annotations

import os


def process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # it exists, under another user
        return True
    return True
