# Two commands do everything on a fresh machine: `make build` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
# axe-core and the Nu HTML checker, for the browser tests
NODE_MODULES := node_modules/.package-lock.json

.PHONY: build test serve check bench bench-serve clean

build: $(INSTALLED)
	$(BIN)/python build.py

check: $(INSTALLED)
	$(BIN)/python build.py --check

test: $(INSTALLED) $(NODE_MODULES)
	$(BIN)/python -m pytest

serve: $(INSTALLED)
	$(BIN)/python build.py serve

bench: $(INSTALLED)
	$(BIN)/python bench/memory.py

# Load on loopback against nginx with deploy/nginx.conf (needs Debian's nginx and wrk).
bench-serve: $(INSTALLED)
	$(BIN)/python bench/serve.py

$(INSTALLED): requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

# Exactly the versions in package-lock.json; no install scripts (the jar ships in the package).
$(NODE_MODULES): package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund
	touch $@

clean:
	rm -rf $(VENV) output .pytest_cache node_modules tests/artifacts
