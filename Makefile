# selfreliance: two commands do everything on a fresh clone:
#   make report   (demo data when data/raw/ is empty, then the reports of the last complete quarter)
#   make test     (the whole test suite, notebooks included)
# `make help` lists every target.

PYTHON      ?= python3.11
VENV        ?= .venv
PY          := $(VENV)/bin/python
SR          := $(VENV)/bin/selfreliance
STAMP       := $(VENV)/.installed
INGESTED    := data/processed/ingest_summary.json
QUARTER     ?=
REPORT_LANG ?= nl
SEED        ?= 6
SIZES       ?= 10000 100000 1000000
N           ?= 1000
DEMO_SEEDS  ?= 40

.DEFAULT_GOAL := help
.PHONY: help install data report test test-fast lint format bench validate lab docs lock clean clean-data

## help: list every target with one line each
help:
	@grep -E '^## ' $(MAKEFILE_LIST) | sed -e 's/^## //' | awk '{t=$$1; sub(/:$$/,"",t); $$1=""; printf "  make %-11s %s\n", t, substr($$0,2)}'

$(STAMP): requirements.lock pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade "pip>=24"
	$(PY) -m pip install --quiet -r requirements.lock
	$(PY) -m pip install --quiet --no-deps -e .
	@touch $@

## install: create .venv and install the pinned packages (requirements.lock) and this package
install: $(STAMP)

## data: write the demo municipality into data/raw/ if it holds no export, then ingest it
data: $(INGESTED)

# Re-ingest only when an input, the code or a configuration file changed.
$(INGESTED): $(STAMP) $(wildcard data/raw/* data/raw/*/*) $(wildcard src/selfreliance/*.py src/selfreliance/resources/*)
	$(SR) demo --if-empty --seed $(SEED) --out data/raw
	$(SR) ingest --raw-dir data/raw --out data/processed

## report: run diagnose, analyse and intervene for QUARTER (default: last complete) into reports/<quarter>/
report: data
	$(SR) report $(if $(QUARTER),--quarter $(QUARTER)) --lang $(REPORT_LANG)

## test: run the whole test suite (unit, doctests, notebooks with nbval)
test: $(STAMP)
	$(PY) -m pytest --nbval-lax

## test-fast: run the tests without the slow end-to-end ones
test-fast: $(STAMP)
	$(PY) -m pytest -m "not slow" src tests

## lint: ruff lint and format check
lint: $(STAMP)
	$(VENV)/bin/ruff check src tests
	$(VENV)/bin/ruff format --check src tests

## format: apply ruff formatting
format: $(STAMP)
	$(VENV)/bin/ruff format src tests

## bench: wall time and peak memory of each stage on synthetic data (SIZES="10000 100000 1000000")
bench: $(STAMP)
	$(SR) bench --sizes $(SIZES)

## docs: render the Dutch user guide (docs/*.md) to docs/html/
docs: $(STAMP)
	$(SR) docs --out docs/html

## validate: simulation study of every hypothesis test (false-positive rate, naive Poisson rate, power; N=1000) and the demo over DEMO_SEEDS=40 seeds
validate: $(STAMP)
	$(SR) validate --n-sim $(N) --demo-seeds $(DEMO_SEEDS) --out docs/validation.md

## lab: open JupyterLab on the notebooks
lab: $(STAMP)
	$(VENV)/bin/jupyter lab --notebook-dir=notebooks

## lock: re-resolve the newest allowed versions into requirements.lock (then commit it)
lock:
	rm -rf .lock-venv && $(PYTHON) -m venv .lock-venv
	.lock-venv/bin/pip install --quiet --upgrade "pip>=24"
	.lock-venv/bin/pip install --quiet -e ".[dev]"
	( echo "# Pinned by 'make lock' on $$(date +%F) for Python $$(.lock-venv/bin/python -c 'import platform; print(platform.python_version())')"; \
	  .lock-venv/bin/pip freeze --exclude-editable ) > requirements.lock
	rm -rf .lock-venv

## clean: remove the environment and caches (data and reports stay)
clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis .bench

## clean-data: remove processed data and reports (data/raw/ is never touched)
clean-data:
	rm -rf data/processed/* reports/*
	@touch data/processed/.gitkeep reports/.gitkeep
