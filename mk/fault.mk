# Faults: a live server (uvicorn) on a private PostgreSQL cluster and a private redis-server, under steady traffic,
# while each is stopped and then frozen (SIGSTOP). Prints a table; reports/fault/fault-test.json keeps it.
# Needs redis-server (Debian: redis-server; installed when missing, as root); PostgreSQL comes from pgserver's binaries.
.PHONY: fault-test

fault-test: install ## dependencies failing under load (database and Redis: stopped, frozen): time to 503, recovery, lost writes (reports/fault)
	@command -v redis-server >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && { apt-get update -qq && apt-get install -y -qq redis-server >/dev/null; }; } || { echo "redis-server is missing: apt-get install -y redis-server"; exit 1; }
	$(UV) run --frozen python -m scripts.fault_test.run
