# Contract API: `make run` serves on SQLite, `make test` runs every gate. `make help` lists the targets.
SHELL := /bin/bash
.DEFAULT_GOAL := help
# Recursive (=): looked up at each use, so a uv that `make uv` just installed is found.
UV = $(shell command -v uv 2>/dev/null || echo $(HOME)/.local/bin/uv)
export PYTHONPATH := $(CURDIR)
export UV
# Redocly CLI: no usage telemetry, no update check (CI is offline but for the package registries).
export REDOCLY_TELEMETRY := off
export REDOCLY_SUPPRESS_UPDATE_NOTICE := true
SRC := contract_runtime impl scripts tests alembic

.PHONY: help uv install run migrate generate check-generated lint format typecheck lint-spec test test-fast bench clean

help: ## list the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-16s %s\n", $$1, $$2}'

uv: ## install uv itself when missing (from PyPI, into ~/.local)
	@command -v $(UV) >/dev/null 2>&1 || python3 -m pip install --quiet --user uv || python3 -m pip install --quiet uv
	@command -v $(UV) >/dev/null 2>&1 || { echo "uv is not on PATH after installing it"; exit 1; }

install: uv ## create .venv with the locked dependencies
	$(UV) sync --frozen

run: install ## migrate a SQLite file and serve on http://127.0.0.1:8000 (docs at /docs)
	$(UV) run --frozen python -m scripts.prestart
	$(UV) run --frozen uvicorn --factory impl.app:create_app --host 127.0.0.1 --port 8000

migrate: install ## apply migrations to DATABASE_URL (default: the SQLite file)
	$(UV) run --frozen alembic upgrade head

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

bench: install ## benchmarks (timing claims live here, never in tests): unknown email vs wrong password
	$(UV) run --frozen python -m scripts.bench_login_timing

clean: ## remove caches, build outputs, reports and the local SQLite file
	rm -rf .mypy_cache .ruff_cache .pytest_cache .hypothesis app.db dist reports

# The gates partner teams rely on, one file each: contract fuzzing, breaking changes, SDKs, docs.
include $(sort $(wildcard mk/*.mk))
