# Two commands do everything on a fresh machine: `make build` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
# axe-core and the Nu HTML checker, for the browser tests; Decap CMS and decap-server, for the editing page
NODE_MODULES := node_modules/.package-lock.json

.PHONY: build test test-fast serve cms check new assign-index bench bench-serve clean

# A site whose site.yaml turns on the web editing page (cms:) also needs the CMS from npm.
CMS_MODULES := $(if $(shell grep -s '^cms:' content/site.yaml),$(NODE_MODULES))

build: $(INSTALLED) $(CMS_MODULES)
	$(BIN)/python build.py

check: $(INSTALLED) $(CMS_MODULES)
	$(BIN)/python build.py --check

test: $(INSTALLED) $(NODE_MODULES)
	$(BIN)/python -m pytest

# The edit loop: everything but the browser, nginx, packaging, memory and long property tests.
test-fast: $(INSTALLED) $(NODE_MODULES)
	HYPOTHESIS_PROFILE=dev $(BIN)/python -m pytest -m "not slow" -n 2 --dist loadgroup

serve: $(INSTALLED) $(CMS_MODULES)
	$(BIN)/python build.py serve

# The web editing page on this machine: the form at /admin/ saves straight into content/.
cms: $(INSTALLED) $(NODE_MODULES)
	$(BIN)/python build.py serve --cms

# The editors' shortcuts: make new category=guides title="关于……的通知"
new: $(INSTALLED)
	$(BIN)/python build.py new --category "$(category)" --title "$(title)"

assign-index: $(INSTALLED)
	$(BIN)/python build.py assign-index

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

# Timings against Hugo (apt-get install hugo), and Hugo then Pagefind, with search on and off
# (bench/run.py); then peak memory against the number of notices (bench/memory.py). Never part of
# `make test`. BENCH_ARGS=--huge adds 100,000 notices to both.
bench: $(INSTALLED)
	$(BIN)/python bench/run.py $(BENCH_ARGS)
	$(BIN)/python bench/memory.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) bench/.venv output .gongkai-cache .pytest_cache node_modules tests/artifacts
