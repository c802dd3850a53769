# covplan — the two commands: `make demo` and `make test`. Both set up .venv first.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test lint typecheck pytest lab bench clean-venv

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	touch $(STAMP)

## demo: set up and plan the embedded (synthetic) demo ward into data/processed/demo/
demo: $(STAMP)
	$(BIN)/covplan demo --out data/processed/demo

## test: set up, then ruff (lint + format, notebooks too), mypy and pytest
test: $(STAMP) lint typecheck pytest

lint: $(STAMP)
	$(BIN)/ruff check covplan tests benchmarks notebooks
	$(BIN)/ruff format --check covplan tests benchmarks notebooks

typecheck: $(STAMP)
	$(BIN)/mypy covplan

pytest: $(STAMP)
	$(BIN)/pytest -n 2 --timeout 600

## lab: open JupyterLab on notebooks/
lab: $(STAMP)
	$(BIN)/jupyter lab notebooks/

## bench: the performance harness (slow; writes benchmarks/results/*.csv)
bench: $(STAMP)
	$(BIN)/python -m benchmarks.run

clean-venv:
	rm -rf $(VENV)
