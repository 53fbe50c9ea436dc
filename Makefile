# Two commands do everything on a fresh machine: `make build` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed

.PHONY: build test serve check bench clean

build: $(INSTALLED)
	$(BIN)/python build.py

check: $(INSTALLED)
	$(BIN)/python build.py --check

test: $(INSTALLED)
	$(BIN)/python -m pytest

serve: $(INSTALLED)
	$(BIN)/python build.py serve

$(INSTALLED): requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

# Timings against Hugo (apt-get install hugo) and Pelican (in its own venv); never part of `make test`.
BENCH_VENV := bench/.venv
bench: $(INSTALLED) $(BENCH_VENV)/.installed
	$(BIN)/python bench/run.py --pelican $(BENCH_VENV)/bin/pelican $(BENCH_ARGS)

$(BENCH_VENV)/.installed: bench/requirements.txt
	$(PYTHON) -m venv $(BENCH_VENV)
	$(BENCH_VENV)/bin/python -m pip install --quiet --disable-pip-version-check -r bench/requirements.txt
	touch $@

clean:
	rm -rf $(VENV) $(BENCH_VENV) output .gongkai-cache .pytest_cache
