# The live contract gate: schemathesis' CLI against a real server, from openapi.yaml (scripts/contract/run_gate.py).
# PostgreSQL: TEST_DATABASE_URL when set (CI), else an embedded server. Reports: reports/contract/.
.PHONY: contract contract-deep

contract: install ## schemathesis CLI vs a live server: all checks and phases, fixed seed, two users + admin
	$(UV) run --frozen python -m scripts.contract.run_gate

# `make contract-deep SEED=123` replays the run that printed seed 123 (with the same MAX_EXAMPLES, if one was given).
contract-deep: install ## exploratory contract run: 5x the examples, random seed (printed; replay with SEED=...)
	$(UV) run --frozen python -m scripts.contract.run_gate --deep $(if $(SEED),--seed $(SEED)) $(if $(MAX_EXAMPLES),--max-examples $(MAX_EXAMPLES))
