# `make bench`: ours side by side with the two reference apps of ../shared/bench (scripts/bench). Timing claims
# live here, never in tests. wrk comes from Debian's package; the target installs it when missing.
.PHONY: bench bench-quick wrk-installed profile

BENCH_ARGS ?=

wrk-installed:
	@command -v wrk >/dev/null 2>&1 || { echo "installing wrk (Debian package)"; \
		apt-get install -y wrk >/dev/null 2>&1 || { apt-get update >/dev/null && apt-get install -y wrk >/dev/null; }; }

bench: install wrk-installed ## ours vs the seed-style app vs the raw ceiling: req/s, p99, CPU, RSS, login storm, cold start, list scaling (reports/bench)
	$(UV) run --frozen python -m scripts.bench $(BENCH_ARGS)

bench-quick: install wrk-installed ## a one-round smoke run of make bench (no figures worth quoting)
	$(UV) run --frozen python -m scripts.bench --quick $(BENCH_ARGS)

SCENARIO ?= get_one
profile: install wrk-installed ## py-spy flame graph + top functions of ours under wrk load (SCENARIO=get_one|list_20|create)
	$(UV) run --frozen python -m scripts.bench.profile --scenario $(SCENARIO)
