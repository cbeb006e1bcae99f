# The two set-up commands of README.md. Each creates the virtual environment it needs by itself.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DB ?= reciprocity.db

.PHONY: demo audit test lint install

$(BIN)/reciprocity: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(BIN)/reciprocity

install: $(BIN)/reciprocity

# Main job on the bundled samples: ingest data/tenders/ into $(DB) (idempotent, resumable), print the audit
# report, then serve the web app and JSON API over that database on http://127.0.0.1:5000/ (Ctrl-C stops it).
demo: audit
	$(BIN)/reciprocity serve --db $(DB)

audit: install
	$(BIN)/reciprocity ingest data/tenders/ --db $(DB)
	$(BIN)/reciprocity report --db $(DB)

# The whole test suite (reads ../shared/corpus when it is there, skips those tests when it is not).
test: install
	$(BIN)/python -m pytest

lint: install
	$(BIN)/ruff check .
