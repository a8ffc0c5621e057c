# The two commands for a new user: `make run` (set up, pipeline on demo data, dashboard) and `make test`.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8501
export DBT_SEND_ANONYMOUS_USAGE_STATS := false
export DO_NOT_TRACK := 1
export STREAMLIT_BROWSER_GATHER_USAGE_STATS := false

.PHONY: run pipeline dashboard dagster test demo screenshots benchmark-dashboard clean help

help:
	@echo "make run       - set up, run the pipeline (demo data if the inbox is empty), start the dashboard"
	@echo "make test      - set up with test extras and Chromium, run every test"
	@echo "make pipeline  - set up and run the pipeline once (no dashboard; for scripts and cron)"
	@echo "make dagster   - the Dagster UI on the same definitions"
	@echo "make screenshots - refresh docs/screenshots/ (every page on the demo data)"

$(BIN)/python:
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11 or newer is needed"'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml constraints.txt
	$(BIN)/python -m pip install --quiet -c constraints.txt -e .
	@touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[test]'
	@touch $@

pipeline: $(VENV)/.installed
	$(BIN)/python -m pipelines.demo.seed
	$(BIN)/python -m pipelines.run

run: pipeline dashboard

dashboard: $(VENV)/.installed
	@echo "Dashboard: http://localhost:$(PORT)"
	$(BIN)/streamlit run dashboard/app.py --server.port $(PORT) --server.headless true

dagster: $(VENV)/.installed
	$(BIN)/python -c 'from pipelines.config import get_settings; from pipelines.run import prepare_dagster_home; prepare_dagster_home(get_settings())'
	DAGSTER_HOME=$$($(BIN)/python -c 'from pipelines.config import get_settings; print(get_settings().dagster_home)') \
		$(BIN)/dagster dev -m pipelines.definitions

# Browser tests drive Debian's Chromium; Playwright's own browser download does not work offline.
/usr/bin/chromium:
	@if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	else sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; fi

test: $(VENV)/.installed-test /usr/bin/chromium
	PATH="$(abspath $(BIN)):$$PATH" $(BIN)/python -m pytest

# Screenshots of every page on the demo data for docs/screenshots/ (Chromium via Playwright, like the tests).
screenshots: pipeline $(VENV)/.installed-test /usr/bin/chromium
	$(BIN)/python benchmarks/dashboard_speed.py --runs 1 --screenshots docs/screenshots

# Page speed in Chromium on the demo data (median and 95th percentile of the first load and of a changed selection).
benchmark-dashboard: pipeline $(VENV)/.installed-test /usr/bin/chromium
	$(BIN)/python benchmarks/dashboard_speed.py

clean:
	rm -rf $(VENV) data dbt_project/target dbt_project/logs
