# Two commands set newsgraph up on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
STAMP := $(VENV)/.installed
DEVSTAMP := $(VENV)/.installed-dev
DB ?= examples/newsgraph.db

.PHONY: demo test install dev browser bench clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip

$(STAMP): pyproject.toml | $(PY)
	$(PIP) install -q -e .
	touch $@

$(DEVSTAMP): pyproject.toml $(STAMP)
	$(PIP) install -q -e ".[dev]"
	touch $@

install: $(STAMP)

dev: $(DEVSTAMP)

## Build the example corpus shipped in examples/, print a summary, write the JSON export and the report.
demo: $(STAMP)
	$(VENV)/bin/newsgraph build examples/articles --manifest examples/manifest.csv --db $(DB) --quiet
	$(VENV)/bin/newsgraph entities --db $(DB) --top 12
	$(VENV)/bin/newsgraph export --db $(DB) -o examples/newsgraph.json
	@$(VENV)/bin/newsgraph report --db $(DB) -o examples/dossier.html 2>/dev/null && echo "report: examples/dossier.html" || true
	@echo "export: examples/newsgraph.json"

## Install dev dependencies (and Chromium for the browser tests) and run the whole test suite.
test: $(DEVSTAMP)
	@if [ -x scripts/install-browser.sh ] || [ -f scripts/install-browser.sh ]; then bash scripts/install-browser.sh || echo "browser install failed: browser tests will skip"; fi
	$(PY) -m pytest -q -n 2 --dist loadgroup

bench: $(STAMP)
	$(PY) -m newsgraph.bench ../shared/corpus/bbc --jobs 2

clean:
	rm -rf $(VENV) examples/newsgraph.db* examples/newsgraph.json examples/dossier.html .pytest_cache
