# Kommunalkompass: every command of the README and of .ci/run is a target here.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
VENDOR := src/kompass/static/vendor
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=

.PHONY: run setup test lint format bench bench-scale bench-digitalcheck bench-strategy clean

## run: set up (venv, assets, local secret) and serve on SQLite with the shipped data
run: setup var/secret_key
	SECRET_KEY="$$(cat var/secret_key)" KOMPASS_HTTPS=$${KOMPASS_HTTPS:-false} \
		$(BIN)/kompass run --host $(HOST) --port $(PORT)

setup: $(BIN)/.installed $(VENDOR)/.installed

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e .
	touch $@

$(BIN)/.test-installed: $(BIN)/.installed pyproject.toml
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

# Third-party front-end files come from the npm registry (package-lock.json) and are copied
# into the static files; they are never committed and never loaded from a CDN.
$(VENDOR)/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	mkdir -p $(VENDOR)/htmx $(VENDOR)/modern-normalize $(VENDOR)/svg-maps-germany
	cp node_modules/htmx.org/dist/htmx.min.js $(VENDOR)/htmx/
	cp node_modules/modern-normalize/modern-normalize.css $(VENDOR)/modern-normalize/
	cp node_modules/@svg-maps/germany/germany.svg node_modules/@svg-maps/germany/LICENSE.md \
		$(VENDOR)/svg-maps-germany/
	mkdir -p $(VENDOR)/chart.js
	cp node_modules/chart.js/dist/chart.umd.min.js node_modules/chart.js/dist/chart.umd.min.js.map \
		node_modules/chart.js/LICENSE.md $(VENDOR)/chart.js/
	mkdir -p $(VENDOR)/leaflet/images
	cp node_modules/leaflet/dist/leaflet.js node_modules/leaflet/dist/leaflet.js.map \
		node_modules/leaflet/dist/leaflet.css node_modules/leaflet/LICENSE $(VENDOR)/leaflet/
	cp node_modules/leaflet/dist/images/*.png $(VENDOR)/leaflet/images/
	touch $@

var/secret_key:
	mkdir -p var
	$(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(64))' > $@
	chmod 600 $@

## test: install the test dependencies and run the whole suite (SQLite unless DATABASE_URL)
test: $(BIN)/.test-installed $(VENDOR)/.installed
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy
	$(BIN)/pytest -n 2 $(PYTEST_ARGS)

lint: $(BIN)/.test-installed
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy

format: $(BIN)/.test-installed
	$(BIN)/ruff check --fix src tests bench
	$(BIN)/ruff format src tests bench

## bench: load the production server over loopback on SQLite and PostgreSQL
bench: setup
	$(BIN)/python bench/run.py $(BENCH_ARGS)

## bench-scale: search, list and analysis at 1x, 10x, 100x Germany's size (bench/README.md)
bench-scale: setup
	$(BIN)/python bench/scale.py $(BENCH_ARGS)

## bench-digitalcheck: evaluations per second and the peer benchmark over 10,000 checks
bench-digitalcheck: setup
	$(BIN)/python bench/digitalcheck.py $(BENCH_ARGS)

## bench-strategy: strategy workspace pages and document export at 1x and 10x (bench/README.md)
bench-strategy: setup
	$(BIN)/python bench/strategy.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) node_modules $(VENDOR) var .pytest_cache .mypy_cache .ruff_cache
