# Nabij — two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
DEVSTAMP := $(VENV)/.installed-dev
VENDOR := nabij/static/vendor

.PHONY: run test install install-dev assets migrations lint bench clean check-tools

check-tools:
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Missing: $(PYTHON) (Python 3.11). Install it, or run: make PYTHON=/path/to/python3.11"; exit 1; }
	@command -v npm >/dev/null 2>&1 || { echo "Missing: node and npm (needed once to install the NL Design System CSS, htmx, axe-core and Chart.js). Install them: apt-get install nodejs npm"; exit 1; }

$(STAMP): pyproject.toml
	@$(MAKE) --no-print-directory check-tools
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e .
	touch $(STAMP)

$(DEVSTAMP): $(STAMP)
	$(PY) -m pip install --quiet -e ".[dev,scale]"
	touch $(DEVSTAMP)

$(VENDOR)/.stamp: package.json package-lock.json
	@command -v npm >/dev/null 2>&1 || { echo "Missing: npm (apt-get install nodejs npm)"; exit 1; }
	npm ci --no-audit --no-fund --loglevel=error
	mkdir -p $(VENDOR)/utrecht $(VENDOR)/htmx $(VENDOR)/axe $(VENDOR)/chartjs
	cp node_modules/@utrecht/component-library-css/dist/index.css $(VENDOR)/utrecht/component-library.css
	cp node_modules/@utrecht/design-tokens/dist/theme.css $(VENDOR)/utrecht/design-tokens.css
	cp node_modules/htmx.org/dist/htmx.min.js $(VENDOR)/htmx/htmx.min.js
	cp node_modules/axe-core/axe.min.js $(VENDOR)/axe/axe.min.js
	cp node_modules/chart.js/dist/chart.umd.min.js $(VENDOR)/chartjs/chart.umd.min.js
	touch $(VENDOR)/.stamp

install: $(STAMP) assets

install-dev: $(DEVSTAMP) assets

assets: $(VENDOR)/.stamp

run: install
	$(VENV)/bin/nabij demo

test: install-dev
	$(PY) -m pytest -q

bench: install-dev
	$(PY) bench/run_all.py

lint: install-dev
	$(VENV)/bin/ruff check nabij tests bench
	$(VENV)/bin/ruff format --check nabij tests bench
	$(VENV)/bin/mypy nabij

# Until the first release the schema is one initial migration, regenerated from the models.
migrations: $(STAMP)
	rm -f nabij/migrations/0001_initial.py
	NABIJ_DATA_DIR=$$(mktemp -d) $(PY) -m django makemigrations nabij --settings=nabij.settings

clean:
	rm -rf $(VENV) node_modules $(VENDOR) var
