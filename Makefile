# botwatch — every command does its own set-up. See README.md.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
PY := $(VENV)/bin/python
UV := $(shell command -v uv 2>/dev/null || echo python3 -m uv)

# Every path comes from botwatch/paths.py (the collection's workspace under data/collections/);
# `make run COLLECTION=name` picks a collection, like BOTWATCH_COLLECTION=name.
ifdef COLLECTION
export BOTWATCH_COLLECTION := $(COLLECTION)
endif
export PATH := $(CURDIR)/$(VENV)/bin:$(PATH)
export VIRTUAL_ENV := $(CURDIR)/$(VENV)
export GX_ANALYTICS_ENABLED := false
export DAGSTER_DISABLE_TELEMETRY := true
export DO_NOT_TRACK := 1

.PHONY: help setup run test test-fast test-spark faults fuzz lint ui app bench browser java clean

help:
	@echo "make run    set up, simulate the default campaign if nothing has landed, materialise every asset"
	@echo "            (make run COLLECTION=name: another collection; BOTWATCH_LANDING_DIR=dir: that folder's)"
	@echo "make test   set up, lint, check the Dagster definitions, run the whole test suite"
	@echo "make test-fast  lint and the tests that need no pipeline run, dbt build or browser"
	@echo "make ui     the Dagster UI (lineage, runs, checks) on http://127.0.0.1:3000"
	@echo "make app    the Streamlit app on http://127.0.0.1:8501"
	@echo "make bench  benchmarks -> bench/results/*.json"
	@echo "make faults the fault-injection tests (kill -9, full disk, damaged files)"
	@echo "make fuzz   10,000 generated hostile inputs per tweet reader and labelled-dataset loader"
	@echo "make test-spark  the dbt project on Spark local[2] compared with DuckDB, table for table"

# --compile-bytecode: uv installs no .pyc, and where PYTHONDONTWRITEBYTECODE is set (this image
# sets it) Python never caches one, so every process compiled its ~2,700 modules again: loading
# the Dagster definitions took 15.8 s instead of 5.0, and each dbt build paid it too.
$(VENV)/.synced: pyproject.toml uv.lock
	@command -v uv >/dev/null 2>&1 || python3 -m uv --version >/dev/null 2>&1 || python3 -m pip install --quiet uv
	@echo "Setting up .venv from uv.lock (uv sync)..."
	@$(UV) sync --frozen --group dev --quiet --compile-bytecode
	@touch $@

dbt_project/target/manifest.json: $(VENV)/.synced $(shell find dbt_project -name '*.sql' -o -name '*.yml' -o -name '*.csv' | grep -v target/)
	@out=$$($(VENV)/bin/dagster-dbt project prepare-and-package --file orchestration/dbt_project.py 2>&1) \
		|| { echo "$$out"; exit 1; }
	@touch $@

setup: $(VENV)/.synced dbt_project/target/manifest.json

run: setup
	@$(PY) -m orchestration.materialize_all

# sqlfluff's dbt templater compiles each model through dbt-duckdb, which opens the profile's
# database: an in-memory one (the only path variable the duckdb target reads), so linting
# never creates or locks a collection's warehouse. 22 s with 2 processes, 34 s with 1
# (2 cores, 2026-12-02). The dbt adapter in each worker process leaves a semaphore behind, and
# the multiprocessing resource tracker warned about it at exit in 2 runs out of 3: silenced.
lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	BOTWATCH_WAREHOUSE=:memory: PYTHONWARNINGS=ignore:resource_tracker:UserWarning \
		$(VENV)/bin/sqlfluff lint dbt_project/models dbt_project/tests --processes 2

browser:
	@command -v chromium >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null; }

# Java 17 for Spark (BOTWATCH_ENGINE=spark and the spark tests); Debian 12 has no 21.
java:
	@java -version 2>&1 | grep -q 'version "1[7-9]\|version "2[0-9]' || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openjdk-17-jre-headless >/dev/null; }

test: setup browser java lint
	$(VENV)/bin/dg check defs
	$(PY) -m pytest -n 2 --dist loadgroup -m "not faults" --durations=25

# The Spark engine's test alone (it is also part of `make test`).
test-spark: setup java
	$(PY) -m pytest -m spark -p no:cacheprovider -s

# The tests that run no pipeline, dbt build, browser, nested evaluation or fuzzing: 43-48 s on
# 2 cores, plus make lint's 20 s (62 s in all against 45 s without sqlfluff, 2026-12-02).
FAST_TESTS := not integration and not realdata and not browser and not slow and not faults and not fuzz

test-fast: setup lint
	$(PY) -m pytest -p no:cacheprovider -n 2 -m "$(FAST_TESTS)"

# Not in `make test`: six real pipeline runs (the baseline, four killed at ingest, dbt, scoring and
# publish, the re-run) with the app open in Chromium. A run costs about 210 s on 2 cores whatever
# the campaign's size (888 hourly landing files, two dbt builds and the start are fixed costs), so
# the suite takes about 15 minutes on an idle machine, too long for `make test`. It runs on the
# smallest simulated campaign that fills every published table (2,000 tweets).
faults: setup browser
	BOTWATCH_TEST_TWEETS=$${BOTWATCH_TEST_TWEETS:-2000} $(PY) -m pytest -m faults -p no:cacheprovider

# 10,000 generated inputs per tweet reader and per labelled-dataset loader (make test runs 60
# each); prints the number run.
fuzz: setup
	BOTWATCH_FUZZ_EXAMPLES=$${BOTWATCH_FUZZ_EXAMPLES:-10000} $(PY) -m pytest -s -p no:cacheprovider \
		--hypothesis-show-statistics tests/test_ingest_properties.py tests/test_ml_datasets_properties.py

ui: setup
	@$(PY) -m orchestration.ui -h 127.0.0.1 -p 3000

app: setup
	@eval "$$($(PY) -m botwatch.paths)" && $(VENV)/bin/streamlit run app/streamlit_app.py --server.headless true --server.address 127.0.0.1 --server.port 8501

bench: setup
	$(PY) -m bench

clean:
	rm -rf data dbt_project/target tests/artifacts
