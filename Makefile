# botwatch — every command does its own set-up. See README.md.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
PY := $(VENV)/bin/python
UV := $(shell command -v uv 2>/dev/null || echo python3 -m uv)

export BOTWATCH_LANDING_DIR ?= $(CURDIR)/data/landing
export BOTWATCH_WAREHOUSE ?= $(CURDIR)/data/warehouse.duckdb
export BOTWATCH_PUBLISH_DIR ?= $(CURDIR)/data/published
export BOTWATCH_MODELS_DIR ?= $(CURDIR)/data/models
export BOTWATCH_SIMULATION_DIR ?= $(CURDIR)/data/simulation
export DAGSTER_HOME ?= $(CURDIR)/data/dagster_home
export PATH := $(CURDIR)/$(VENV)/bin:$(PATH)
export VIRTUAL_ENV := $(CURDIR)/$(VENV)
export GX_ANALYTICS_ENABLED := false
export DAGSTER_DISABLE_TELEMETRY := true
export DO_NOT_TRACK := 1

.PHONY: help setup run test lint ui app bench browser clean

help:
	@echo "make run    set up, simulate the default campaign if nothing has landed, materialise every asset"
	@echo "make test   set up, lint, check the Dagster definitions, run the whole test suite"
	@echo "make ui     the Dagster UI (lineage, runs, checks) on http://127.0.0.1:3000"
	@echo "make app    the Streamlit app on http://127.0.0.1:8501"
	@echo "make bench  benchmarks -> bench/results/*.json"

$(VENV)/.synced: pyproject.toml uv.lock
	@command -v uv >/dev/null 2>&1 || python3 -m uv --version >/dev/null 2>&1 || python3 -m pip install --quiet uv
	$(UV) sync --frozen --group dev
	@touch $@

dbt_project/target/manifest.json: $(VENV)/.synced $(shell find dbt_project -name '*.sql' -o -name '*.yml' -o -name '*.csv' | grep -v target/)
	$(VENV)/bin/dagster-dbt project prepare-and-package --file orchestration/dbt_project.py
	@touch $@

setup: $(VENV)/.synced dbt_project/target/manifest.json
	@mkdir -p $(DAGSTER_HOME) && [ -f $(DAGSTER_HOME)/dagster.yaml ] || cp orchestration/dagster.yaml $(DAGSTER_HOME)/dagster.yaml

run: setup
	@if [ -z "$$(find $(BOTWATCH_LANDING_DIR) -type f \( -name '*.json*' -o -name '*.gz' \) 2>/dev/null | head -1)" ]; then \
		echo "Nothing has landed in $(BOTWATCH_LANDING_DIR): simulating the default campaign."; \
		$(PY) -m simulate --landing $(BOTWATCH_LANDING_DIR) --truth $(BOTWATCH_SIMULATION_DIR); \
	fi
	$(PY) -m orchestration.materialize_all

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

browser:
	@command -v chromium >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null; }

test: setup browser lint
	$(VENV)/bin/dg check defs
	$(PY) -m pytest -n 2 --dist loadgroup

ui: setup
	$(VENV)/bin/dagster dev -m orchestration.definitions -h 127.0.0.1 -p 3000

app: setup
	$(VENV)/bin/streamlit run app/streamlit_app.py --server.headless true --server.address 127.0.0.1 --server.port 8501

bench: setup
	$(PY) -m bench

clean:
	rm -rf data dbt_project/target tests/artifacts
