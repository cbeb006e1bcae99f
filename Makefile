# The two set-up commands of README.md. Each creates the virtual environment it needs by itself.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DB ?= reciprocity.db

.PHONY: demo audit test lint install dev

# The demo needs only the package; the test tools (pytest, ruff, playwright, schemathesis…) come with `make test`.
$(BIN)/reciprocity: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	touch $(BIN)/reciprocity

$(VENV)/.dev: $(BIN)/reciprocity
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(VENV)/.dev

install: $(BIN)/reciprocity

dev: $(VENV)/.dev

# Main job on the bundled samples: ingest data/tenders/ into $(DB) (idempotent, resumable), print the audit
# report, then serve the web app and JSON API over that database on http://127.0.0.1:5000/ (Ctrl-C stops it).
demo: audit
	$(BIN)/reciprocity serve --db $(DB)

audit: install
	$(BIN)/reciprocity ingest data/tenders/ --db $(DB)
	$(BIN)/reciprocity report --db $(DB)

# The whole test suite (reads ../shared/corpus when it is there, skips those tests when it is not).
test: dev
	$(BIN)/python -m pytest

lint: dev
	$(BIN)/ruff check .
