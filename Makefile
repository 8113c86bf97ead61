# artsearch: two commands work on a fresh clone with Python >= 3.11, make and the package registries.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
INDEX ?= instance/index
HOST ?= 127.0.0.1
PORT ?= 8080

.PHONY: serve test test-fast index bench bench-smoke clean

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --upgrade pip >/dev/null

$(VENV)/.installed: pyproject.toml | $(BIN)/activate
	$(BIN)/pip install -e '.[test,bench]'
	touch $@

$(INDEX)/CURRENT: | $(VENV)/.installed
	$(BIN)/artsearch reindex corpus --index $(INDEX)

index: $(VENV)/.installed
	$(BIN)/artsearch reindex corpus --index $(INDEX)

serve: $(VENV)/.installed $(INDEX)/CURRENT
	$(BIN)/artsearch serve --index $(INDEX) --host $(HOST) --port $(PORT)

test: $(VENV)/.installed
	$(BIN)/python -m pytest -ra

test-fast: $(VENV)/.installed
	$(BIN)/python -m pytest -ra -m "not browser and not slow"

BENCH_CORPUS ?= ../shared/corpus/fakehealth-news.jsonl

bench: $(VENV)/.installed
	$(BIN)/python -m bench --corpus $(BENCH_CORPUS)

bench-smoke: $(VENV)/.installed
	$(BIN)/python -m bench --smoke --out bench/out/smoke

clean:
	rm -rf $(VENV) instance .pytest_cache
