# Ardoise — the two commands are `make run` and `make test`; `make help` lists the rest.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.DEFAULT_GOAL := help

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-12s %s\n", $$1, $$2}'

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip setuptools wheel
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP) ## Create or reuse .venv and install the project with its dev tools

run: $(STAMP) ## Serve the site and the APIs with demo data on http://127.0.0.1:8000
	$(BIN)/ardoise serve --demo --host 127.0.0.1 --port 8000

test: $(STAMP) chromium pdftotext ## Run the whole test suite (what CI runs): lint, format check, types, then pytest
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/pytest -n 2  # two workers: the CI machines' cores (checked green on a fresh clone, 14.6 min)

# The browser tests drive Debian's chromium through Playwright (no browser download).
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
chromium: ## Install Debian's chromium for the browser tests when it is missing
	@command -v chromium >/dev/null || ($(SUDO) apt-get update && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium)

# The PDF tests read what a letter or a request says with poppler's pdftotext, as a person would.
pdftotext: ## Install Debian's poppler-utils (pdftotext) for the PDF tests when it is missing
	@command -v pdftotext >/dev/null || ($(SUDO) apt-get update && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends poppler-utils)

lint: $(STAMP) ## Check style and types
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: $(STAMP) ## Format the code
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

package: ## Build each stage's Lambda archive offline into build/ (clean venv, size checked)
	bash scripts/package_lambda.sh

clean: ## Remove local data (var/) and build leftovers; keeps .venv
	rm -rf var build dist .venv-lambda *.egg-info .pytest_cache .ruff_cache .mypy_cache

.PHONY: help install run test chromium pdftotext lint format package clean
