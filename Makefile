# The two commands for a new user: `make run` (set up, pipeline on demo data, dashboard) and `make test`.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8501
export DBT_SEND_ANONYMOUS_USAGE_STATS := false
export DO_NOT_TRACK := 1
export STREAMLIT_BROWSER_GATHER_USAGE_STATS := false
# Python caches compiled modules (__pycache__, ignored by git). An environment that forbids it recompiles Dagster,
# dbt and Great Expectations on every start of every process: 16 s of a 97-s pipeline run (docs/performance.md).
unexport PYTHONDONTWRITEBYTECODE

.PHONY: run pipeline dashboard dagster test lint demo screenshots benchmark-dashboard clean help

help:
	@echo "make run       - set up, run the pipeline (demo data if the inbox is empty), start the dashboard"
	@echo "make test      - set up with test extras and Chromium, run every test"
	@echo "make lint      - the import contracts (no cycles, no demo in production code; also part of make test)"
	@echo "make pipeline  - set up and run the pipeline once (no dashboard; for scripts and cron)"
	@echo "make dagster   - the Dagster UI on the same definitions"
	@echo "make screenshots - refresh docs/screenshots/ (every page on the demo data)"

$(BIN)/python:
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11 or newer is needed"'
	@echo "Einrichtung: virtuelle Umgebung $(VENV) ..."
	@$(PYTHON) -m venv $(VENV)

# Installs the exact versions of constraints.txt. uv (on PyPI, pinned in constraints.txt) does it in a fraction of
# pip's time: the one on PATH, else installed into the venv; if neither works, pip does it. Quiet unless it fails.
INSTALL = if command -v uv >/dev/null 2>&1 || $(BIN)/python -m pip install -qq --disable-pip-version-check \
		-c constraints.txt uv 2>/dev/null; then \
		PATH="$(abspath $(BIN)):$$PATH" uv pip install --quiet --python $(BIN)/python -c constraints.txt -e $(1); \
	else $(BIN)/python -m pip install -qq --disable-pip-version-check -c constraints.txt -e $(1); fi

$(VENV)/.installed: $(BIN)/python pyproject.toml constraints.txt
	@echo "Einrichtung: Pakete installieren ..."
	@$(call INSTALL,.)
	@touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	@$(call INSTALL,'.[test]')
	@touch $@

pipeline: $(VENV)/.installed
	@$(BIN)/python -m pipelines.demo.seed
	@$(BIN)/python -m pipelines.run

run: pipeline dashboard

# Settings for readers (no Deploy button or developer menu, no usage statistics) in .streamlit/config.toml.
dashboard: $(VENV)/.installed
	@echo "Dashboard: http://localhost:$(PORT)  (beenden mit Strg+C)"
	@$(BIN)/streamlit run dashboard/app.py --server.port $(PORT) --server.headless true

dagster: $(VENV)/.installed
	$(BIN)/python -c 'from pipelines.config import get_settings; from pipelines.run import prepare_dagster_home; prepare_dagster_home(get_settings())'
	DAGSTER_HOME=$$($(BIN)/python -c 'from pipelines.config import get_settings; print(get_settings().dagster_home)') \
		$(BIN)/dagster dev -m pipelines.definitions

# Browser tests drive Debian's Chromium; Playwright's own browser download does not work offline.
/usr/bin/chromium:
	@if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	else sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; fi

# Three test processes (pytest-xdist; on 2 cores, because browser tests and process starts spend much time waiting),
# whole files per process so that a module's shared pipeline runs stay in one; the full demo pipeline is built once
# for all of them (tests/conftest.py built_once, under a file lock).
test: $(VENV)/.installed-test /usr/bin/chromium
	PATH="$(abspath $(BIN)):$$PATH" $(BIN)/python -m pytest -n 3 --dist loadfile

# The import contracts of pyproject.toml [tool.importlinter] (tests/test_architecture.py runs them in `make test` too).
lint: $(VENV)/.installed-test
	$(BIN)/lint-imports

# Screenshots of every page on the demo data for docs/screenshots/ (Chromium via Playwright, like the tests).
screenshots: pipeline $(VENV)/.installed-test /usr/bin/chromium
	$(BIN)/python benchmarks/dashboard_speed.py --runs 1 --screenshots docs/screenshots

# Page speed in Chromium on the demo data (median and 95th percentile of the first load and of a changed selection).
benchmark-dashboard: pipeline $(VENV)/.installed-test /usr/bin/chromium
	$(BIN)/python benchmarks/dashboard_speed.py

clean:
	rm -rf $(VENV) data dbt_project/target dbt_project/logs
