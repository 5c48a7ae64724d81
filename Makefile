# Two commands set newsgraph up on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
STAMP := $(VENV)/.installed
DEVSTAMP := $(VENV)/.installed-dev
DB ?= examples/newsgraph.db

.PHONY: demo test test-fast install dev bench clean

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
	@$(VENV)/bin/newsgraph report --db $(DB) -o examples/dossier.html >/dev/null 2>&1 && echo "report: examples/dossier.html" || true

## Every test, the slow corpus tests and the browser tests included: what CI runs (.ci/run). Failed and skipped
## tests are listed with the reason (-rfEs). Chromium is installed with apt only when NEWSGRAPH_BROWSER=1 or CI=true;
## otherwise the browser tests skip, saying why.
test: $(DEVSTAMP)
	@bash scripts/install-browser.sh || echo "browser install failed: browser tests will skip"
	$(PY) -m pytest -q -rfEs -n 2 --dist loadgroup

## A quicker check while working (under 10 minutes on 2 cores): everything not marked slow.
test-fast: $(DEVSTAMP)
	$(PY) -m pytest -q -rfEs -n 2 --dist loadgroup -m "not slow"

bench: $(STAMP)
	$(PY) -m newsgraph.bench ../shared/corpus/bbc --jobs 2

clean:
	rm -rf $(VENV) examples/newsgraph.db* examples/newsgraph.json examples/dossier.html .pytest_cache
