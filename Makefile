# Contract API: `make run` serves on SQLite, `make test` runs every gate. `make help` lists the targets.
SHELL := /bin/bash
.DEFAULT_GOAL := help
# uv, pinned in scripts/bootstrap_uv.py, lives inside the project (.tools/uv/uv): `make uv` fetches it with python3's
# standard library alone, so it works on a system Python that refuses pip (PEP 668). `make UV=/path/to/uv` uses another.
UV_HOME := $(CURDIR)/.tools/uv
UV ?= $(UV_HOME)/uv
PYTHON3 ?= python3
# The project's interpreter, once `make install` or `make install-runtime` made .venv.
VENV_PYTHON := $(CURDIR)/.venv/bin/python
export PYTHONPATH := $(CURDIR)
export UV
# uv trusts the machine's certificate store, as python3 (and so the bootstrap) does: a corporate or sandbox TLS proxy
# whose root is installed there works, where uv's bundled roots would refuse it.
UV_SYSTEM_CERTS ?= 1
export UV_SYSTEM_CERTS
# install and install-runtime compile the packages' bytecode (as the Docker image does): a server's first start then
# does not spend a second or more compiling its imports (make bench measures cold start).
COMPILE_BYTECODE := UV_COMPILE_BYTECODE=1
# Redocly CLI: no usage telemetry, no update check (CI is offline but for the package registries).
export REDOCLY_TELEMETRY := off
export REDOCLY_SUPPRESS_UPDATE_NOTICE := true
SRC := contract_runtime impl scripts tests alembic

.PHONY: help uv install install-runtime run migrate generate check-generated lint format typecheck lint-spec test \
	test-fast fresh-clone clean

help: ## list the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-16s %s\n", $$1, $$2}'

uv: ## install the pinned uv into .tools/uv (python3's standard library only: no pip, fine under PEP 668)
ifeq ($(UV),$(UV_HOME)/uv)
	@command -v $(PYTHON3) >/dev/null 2>&1 || { echo "make uv needs python3 (3.8 or newer) on PATH"; exit 1; }
	@$(PYTHON3) scripts/bootstrap_uv.py $(UV_HOME)
endif

install: uv ## create .venv with every locked dependency (the app, tests and the gates' tools)
	$(COMPILE_BYTECODE) $(UV) sync --frozen

install-runtime: uv ## add what serving needs to .venv (no test or gate tools; keeps any already there)
	$(COMPILE_BYTECODE) $(UV) sync --frozen --no-dev --inexact

run: install-runtime ## migrate (./app.db unless DATABASE_URL) and serve on HOST:PORT (127.0.0.1:8000); docs at /docs
	$(VENV_PYTHON) -m scripts.prestart
	$(VENV_PYTHON) -m scripts.serve

migrate: install-runtime ## apply migrations to DATABASE_URL (default: the SQLite file)
	$(CURDIR)/.venv/bin/alembic upgrade head

generate: install ## regenerate generated/ from openapi.yaml and scripts/codegen
	$(UV) run --frozen python -m scripts.codegen.generate

check-generated: install ## fail if generated/ is not what openapi.yaml and scripts/codegen produce
	$(UV) run --frozen python -m scripts.codegen.generate --check

lint: install ## ruff lint and format check
	$(UV) run --frozen ruff check $(SRC)
	$(UV) run --frozen ruff format --check $(SRC)

format: install ## apply ruff fixes and formatting
	$(UV) run --frozen ruff check --fix $(SRC)
	$(UV) run --frozen ruff format $(SRC)

typecheck: install ## mypy --strict on impl, scripts, tests and the generated code they use
	$(UV) run --frozen mypy --strict contract_runtime impl scripts tests generated

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

lint-spec: install node_modules/.package-lock.json ## openapi-spec-validator, Spectral (oas + OWASP) and Redocly (recommended): no findings
	$(UV) run --frozen openapi-spec-validator openapi.yaml
	npx --no-install spectral lint --fail-severity=warn --ruleset .spectral.yaml openapi.yaml
	npx --no-install redocly lint --config redocly.yaml openapi.yaml

test: lint typecheck check-generated lint-spec ## every gate, then the whole test suite
	$(UV) run --frozen pytest

test-fast: install ## the test suite only
	$(UV) run --frozen pytest -x -q

fresh-clone: ## a fresh clone's `make run` with only the system python3 on PATH serves, and on another PORT
	$(PYTHON3) scripts/fresh_clone_check.py

clean: ## remove caches, build outputs, reports and the local SQLite file (.tools and .venv stay)
	rm -rf .mypy_cache .ruff_cache .pytest_cache .hypothesis app.db dist reports

# The gates partner teams rely on, one file each: contract fuzzing, breaking changes, SDKs, docs.
include $(sort $(wildcard mk/*.mk))
