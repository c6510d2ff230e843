# The two commands a newcomer needs: `make demo` and `make test` (see README.md).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
ONLY ?=
# Four pytest workers on two cores: many tests wait on real servers and processes. worksteal:
# an idle worker takes tests from a busy one (the slow tests start first, tests/conftest.py).
TEST_WORKERS ?= 4
# Our modules compiled once at install: where PYTHONDONTWRITEBYTECODE is set (as on CI machines)
# every command would otherwise compile them again (~20 ms of each CLI start).
COMPILE = $(BIN)/python -m compileall -q -j0 -x '/(\.venv|\.git|var|tests|node_modules)/' .

.PHONY: demo test bench lint clean

## demo: set everything up and run the whole path on the bundled example (SQLite, Maildir outbox)
demo: $(VENV)/.runtime
	$(BIN)/advocacy demo

## test: install the dev extras, lint, type-check, check the layers and run the whole suite
test: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/lint-imports
	$(BIN)/pytest -n $(TEST_WORKERS) --dist worksteal

## bench: run the benchmarks (make bench ONLY=render for one)
bench: $(VENV)/.bench
	$(BIN)/python -m bench.run $(ONLY)

lint: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.runtime: pyproject.toml | $(BIN)/python
	scripts/system-deps.sh runtime
	$(BIN)/pip install -q -e .
	$(COMPILE)
	touch $@

$(VENV)/.bench: pyproject.toml | $(BIN)/python
	scripts/system-deps.sh runtime
	$(BIN)/pip install -q -e '.[bench]'
	$(COMPILE)
	touch $(VENV)/.runtime $@

$(VENV)/.dev: pyproject.toml | $(BIN)/python
	scripts/system-deps.sh test
	$(BIN)/pip install -q -e '.[dev]'
	$(COMPILE)
	touch $(VENV)/.runtime $(VENV)/.bench $@

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
