# artsearch: two commands work on a fresh clone with Python >= 3.11, make and the package registries.
#   make serve   index the bundled corpus (once) and serve it on http://127.0.0.1:8080
#   make test    run every test (unit, integration, CLI, HTTP, browser, benchmark smoke)
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
INDEX ?= instance/index
HOST ?= 127.0.0.1
PORT ?= 8080
BENCH_CORPUS ?= ../shared/corpus/fakehealth-news.jsonl

.PHONY: cluster serve-cluster serve test test-fast fuzz lint index bench bench-smoke relevance relevance-smoke clean

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --upgrade pip >/dev/null

# Runtime dependencies only: enough to index and serve.
$(VENV)/.installed: pyproject.toml | $(BIN)/activate
	$(BIN)/pip install -e .
	touch $@

# Plus pytest, Playwright (driving Debian's chromium) and the benchmark's peers.
$(VENV)/.installed-dev: pyproject.toml $(VENV)/.installed
	$(BIN)/pip install -e '.[test,bench,typesense]'
	touch $@ $(VENV)/.installed-typesense

# The Typesense backend's client and server wheels (README.md, "A Typesense cluster").
$(VENV)/.installed-typesense: pyproject.toml $(VENV)/.installed
	$(BIN)/pip install -e '.[typesense]'
	touch $@

# A local 3-node Typesense cluster on loopback (data, logs, nodes and api-key files under
# instance/cluster), in the foreground until Ctrl-C.
CLUSTER_DIR ?= instance/cluster
cluster: $(VENV)/.installed-typesense
	$(BIN)/python -m search.typesense_local --dir $(CLUSTER_DIR)

# Index the bundled corpus into the running `make cluster` and serve it.
serve-cluster: $(VENV)/.installed-typesense
	$(BIN)/artsearch reindex corpus --index $(INDEX) --quiet --backend typesense \
	  --nodes "$$(cat $(CLUSTER_DIR)/urls)" --api-key-file $(CLUSTER_DIR)/api-key
	$(BIN)/artsearch serve --backend typesense --nodes "$$(cat $(CLUSTER_DIR)/urls)" \
	  --api-key-file $(CLUSTER_DIR)/api-key --host $(HOST) --port $(PORT)

# Incremental: instant when nothing changed, a rebuild when the index is from another version.
index: $(VENV)/.installed
	$(BIN)/artsearch reindex corpus --index $(INDEX) --quiet

serve: index
	$(BIN)/artsearch serve --index $(INDEX) --host $(HOST) --port $(PORT)

# Lint and type-check first (configured in pyproject.toml): a quick failure before a long run.
lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/mypy

# axe-core for the accessibility tests, from the npm registry (pinned by package-lock.json).
# Without npm the accessibility tests skip (CI installs npm and makes such a skip a failure).
node_modules/.installed: package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then npm ci --no-audit --no-fund --loglevel=error && touch $@; \
	else echo "npm not found: the axe-core accessibility tests will be skipped"; fi

test: lint node_modules/.installed
	$(BIN)/python -m pytest -ra

# The Hypothesis properties with a big budget, on the fixture corpus and FakeHealth.
FUZZ_EXAMPLES ?= 2000
fuzz: $(VENV)/.installed-dev
	ARTSEARCH_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(BIN)/python -m pytest -ra tests/test_fuzz.py

test-fast: $(VENV)/.installed-dev
	$(BIN)/python -m pytest -ra -m "not browser and not slow"

bench: $(VENV)/.installed-dev
	$(BIN)/python -m bench --corpus $(BENCH_CORPUS)

bench-smoke: $(VENV)/.installed-dev
	$(BIN)/python -m bench --smoke --out bench/out/smoke

# Ranking quality on every collection of ../shared/ir and the known-item sets, beside SQLite FTS5 and plain Whoosh:
# writes docs/relevance.md (needs ../shared; see docs/relevance.md).
relevance: $(VENV)/.installed-dev
	$(BIN)/python -m bench.relevance

relevance-smoke: $(VENV)/.installed-dev
	$(BIN)/python -m bench.relevance --smoke

clean:
	rm -rf $(VENV) instance .pytest_cache .hypothesis node_modules
