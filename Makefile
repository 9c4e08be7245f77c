# Imbalance Lab — set-up and everyday commands. Needs only Python 3.11, make and apt on a fresh machine.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8501
# Who can reach `make run`: this machine only. A shared deployment: ADDRESS=0.0.0.0 (see README).
ADDRESS ?= localhost
CHROMIUM := /usr/bin/chromium
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run test lint bench deps dev-deps numba-cache system-deps clean lock

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# constraints.txt locks every indirect dependency too (pip freeze of a fresh dev environment).
# The core itself, editable and without dependencies (they are pinned above; pip fetches the setuptools
# build backend, pyproject [build-system]): `python -m imbalance_core` then runs from any folder, as the
# pages print it. (The venv's own setuptools 65 cannot build a wheel without the `wheel` package.)
$(VENV)/.deps: requirements.txt constraints.txt pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt -c constraints.txt
	$(BIN)/pip install --quiet --no-deps -e .
	touch $@

$(VENV)/.dev-deps: requirements-dev.txt constraints.txt $(VENV)/.deps
	$(BIN)/pip install --quiet -r requirements-dev.txt -c constraints.txt
	touch $@

# UMAP's compiled numba code, kept on disk in $(VENV)/numba-cache once per installation
# (imbalance_core/maps/numba_cache.py): a new server process loads it instead of compiling for a minute.
$(VENV)/.numba-cache: $(VENV)/.deps
	$(BIN)/python -m imbalance_core.maps.umap_warmup
	touch $@

deps: $(VENV)/.deps
dev-deps: $(VENV)/.dev-deps
numba-cache: $(VENV)/.numba-cache

# Debian's Chromium for the browser tests (Playwright's own download does not work here) and
# poppler-utils for rendering report pages. Installed only when missing.
system-deps:
	@if [ ! -x $(CHROMIUM) ] || ! command -v pdftoppm >/dev/null; then \
		$(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium poppler-utils >/dev/null; \
	fi

## make run: install the pinned packages and start the app on the bundled data (serve.py: app.py behind
## the request guard and the patches in serving/).
run: deps numba-cache
	$(BIN)/streamlit run serve.py --server.port $(PORT) --server.address $(ADDRESS)

## make test: install dev packages and Chromium, lint, check the layer contracts, run the whole suite
## (browser tests included).
test: dev-deps numba-cache system-deps
	$(BIN)/ruff check .
	$(BIN)/lint-imports --no-cache
	$(BIN)/python -m pytest

lint: dev-deps
	$(BIN)/ruff check .
	$(BIN)/lint-imports --no-cache
	$(BIN)/ruff format --check .

## make bench: print the benchmark figures (time, memory, latency) — not part of the test run.
bench: dev-deps system-deps
	@for f in bench/*.py; do echo "== $$f"; $(BIN)/python $$f || exit 1; done

## make lock: rebuild constraints.txt from a fresh environment after changing requirements*.txt.
lock:
	rm -rf /tmp/imbalance-lab-lock && $(PYTHON) -m venv /tmp/imbalance-lab-lock
	/tmp/imbalance-lab-lock/bin/pip install --quiet -r requirements-dev.txt
	{ sed -n 1,3p constraints.txt; /tmp/imbalance-lab-lock/bin/pip freeze | grep -v '^-e '; } > constraints.new
	mv constraints.new constraints.txt && rm -rf /tmp/imbalance-lab-lock

clean:
	rm -rf $(VENV) test-output .pytest_cache .ruff_cache
