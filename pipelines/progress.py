"""How far a step is, for the display of `make pipeline` (pipelines/run.py): log records of one logger.

The steps run inside Dagster and know nothing of a terminal; they report "n of N" here. `pipelines.run` listens on
this logger and draws progress bars; in the Dagster UI nobody listens and the records go to the log like any other.
"""

from __future__ import annotations

import logging

PROGRESS_LOGGER = "pipelines.progress"

_log = logging.getLogger(PROGRESS_LOGGER)


def report_progress(step: str, done: int, total: int) -> None:
    """Step `step` has done `done` of `total` units (files, dbt models)."""
    _log.debug("%s: %d of %d", step, done, total, extra={"step": step, "done": done, "total": total})
