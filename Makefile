# recaudo: `make run` builds everything from the demo inbox; `make test` checks it.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed

# One set of paths for every process: the dbt profile, the Dagster resources and the CLI.
export RECAUDO_DATA_DIR ?= $(CURDIR)/data
export RECAUDO_WAREHOUSE ?= $(RECAUDO_DATA_DIR)/warehouse.duckdb
export DAGSTER_HOME ?= $(CURDIR)/.dagster_home
# dagster-dbt looks for `dbt` on PATH when `dagster dev` re-parses the project.
export PATH := $(CURDIR)/$(BIN):$(PATH)

DBT := $(BIN)/dbt
# Absolute, so the seed paths stored in the manifest resolve wherever dbt runs next.
DBT_DIRS := --project-dir $(CURDIR)/dbt_project --profiles-dir $(CURDIR)/dbt_project
CONSTRAINTS := $(wildcard constraints.txt)

.PHONY: help venv install demo parse run dbt test lint bench dev clean

help: ## List the targets
	@grep -E '^[a-z]+:.*## ' $(MAKEFILE_LIST) \
		| awk 'BEGIN {FS = ":.*## "} {printf "  make %-8s %s\n", $$1, $$2}'

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(INSTALLED): pyproject.toml $(CONSTRAINTS) | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]' $(if $(CONSTRAINTS),-c $(CONSTRAINTS))
	touch $@

venv: $(INSTALLED) ## Create .venv and install recaudo with its dev tools
install: $(INSTALLED) ## Same as venv

demo: install ## Generate the demo inbox and answer key, unless data/inbox exists
	@if [ -d "$(RECAUDO_DATA_DIR)/inbox" ]; then \
		echo "demo data already in $(RECAUDO_DATA_DIR)/inbox"; \
	else \
		$(BIN)/python -m demo.generate --data-dir "$(RECAUDO_DATA_DIR)" --scale demo; \
	fi

parse: install ## Write the dbt manifest that Dagster loads its asset graph from
	@if [ -f dbt_project/packages.yml ]; then $(DBT) deps $(DBT_DIRS) --quiet; fi
	@# A full parse: a partial one keeps seed paths from whatever directory parsed last.
	$(DBT) parse $(DBT_DIRS) --no-partial-parse --quiet

$(DAGSTER_HOME)/dagster.yaml: dagster.yaml
	mkdir -p "$(DAGSTER_HOME)"
	cp dagster.yaml "$@"

run: install demo parse $(DAGSTER_HOME)/dagster.yaml ## Land the inbox, build the warehouse, write reminders and the dashboard
	$(BIN)/python -m orchestration.cli run
	$(BIN)/python -m orchestration.cli summary

# The same environment and directories as `make run`, so the profile finds the warehouse.
dbt: install ## Run dbt on the warehouse: make dbt ARGS="build --vars '{as_of_date: 2026-09-30}'"
	$(if $(strip $(ARGS)),,$(error usage: make dbt ARGS="build --vars '{as_of_date: 2026-09-30}'"))
	$(DBT) $(ARGS) $(DBT_DIRS)

test: install ## Run the test suite
	$(BIN)/pytest -q -n 2

lint: install ## ruff and sqlfluff, as CI runs them
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/sqlfluff lint dbt_project/models dbt_project/tests

bench: install ## Cash-application benchmark against the demo answer key (about a minute)
	$(BIN)/python -m bench.cash_application

dev: install parse $(DAGSTER_HOME)/dagster.yaml ## Dagster UI on http://localhost:3000, with sensors and schedule
	$(BIN)/dagster dev -m orchestration.definitions -h 127.0.0.1 -p 3000

# Only the folders inside the repository: a RECAUDO_DATA_DIR set elsewhere is left alone.
clean: ## Remove data/, .dagster_home/ and dbt artifacts (keeps .venv)
	rm -rf data .dagster_home dbt_project/target dbt_project/logs .pytest_cache .ruff_cache
