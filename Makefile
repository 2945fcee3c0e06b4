# infusion_integrity: make demo | make test | make lint | make bench
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
export DBT_PROFILES_DIR := $(CURDIR)/profiles

.PHONY: install demo test lint sample bench clean

install: $(STAMP)

$(STAMP): pyproject.toml requirements.lock
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else "Python 3.11 is required; set PYTHON=/path/to/python3.11")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip==25.3
	$(BIN)/pip install --quiet -r requirements.lock
	$(BIN)/pip install --quiet --no-deps --no-build-isolation -e .
	touch $(STAMP)

## Build the project on the bundled synthetic sample and print a summary.
demo: install
	$(BIN)/infusion-integrity build

## Lint every model with sqlfluff, then run the whole test suite (dbt tests run inside pytest).
test: install lint
	$(BIN)/python -m pytest

lint: install
	$(BIN)/sqlfluff lint models --processes 2

## Regenerate the bundled sample and its ground truth.
sample: install
	$(BIN)/infusion-integrity generate --output sample_data/claims --ground-truth sample_data/ground_truth.csv

## Benchmarks from 100 thousand to 10 million lines (not part of make test).
bench: install
	$(BIN)/python -m infusion_integrity.bench

## DuckDB against PostgreSQL at 1 million lines: a throwaway server on 127.0.0.1 with dbt-postgres
## from its own venv (not part of make test).
.PHONY: bench-postgres
bench-postgres: install
	test -x .venv-postgres/bin/python || $(BIN)/python -m venv .venv-postgres
	.venv-postgres/bin/pip install --quiet -r requirements-postgres.lock
	.venv-postgres/bin/python -m infusion_integrity.postgres_compare --lines 1000000 --wait-for-idle 600

clean:
	rm -rf target logs infusion_integrity.duckdb infusion_integrity.duckdb.wal
