# The one entry point for people and CI.  `make run` and `make test` set up everything they need.
SHELL := /bin/bash
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
KEYTURN_FIXTURES ?= $(abspath ../shared/fixtures)
export KEYTURN_FIXTURES

.PHONY: run test lint fmt bench install install-test system-deps soak clean

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

# Re-install when the dependency list changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[test,bench]'
	touch $@

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test system-deps

# Debian's chromium for the browser tests; git, rsync and patch, which the differential suites
# run for real (tests/adversarial/test_*_oracle.py); the published MCP server from npm.
SYSTEM_TOOLS = chromium git rsync patch
system-deps:
	@missing=$$(for t in $(SYSTEM_TOOLS); do command -v $$t >/dev/null || echo $$t; done); \
	if [ -n "$$missing" ]; then apt-get update -qq && apt-get install -y -qq $$missing >/dev/null; fi
	@test -d tests/.npm/node_modules/@modelcontextprotocol/server-filesystem || \
		npm install --silent --no-audit --no-fund --prefix tests/.npm @modelcontextprotocol/server-filesystem >/dev/null

run: install
	$(BIN)/keyturn serve --demo

test: install-test
	$(BIN)/python -m pytest -q -p no:cacheprovider; rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "pytest collected no tests: failing" >&2; exit 1; fi; exit $$rc

lint: install-test
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy src
	$(BIN)/lint-imports

fmt: install-test
	$(BIN)/ruff format src tests bench
	$(BIN)/ruff check --fix src tests bench

bench: install-test
	$(BIN)/python -m bench

soak: install-test
	$(BIN)/python -m bench.soak

clean:
	rm -rf $(VENV) build dist *.egg-info tests/.npm artifacts
