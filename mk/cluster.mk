# Many instances on this machine (scripts/cluster): HAProxy -> N API instances -> PgBouncer -> PostgreSQL, Redis for
# the rate-limit counters; all on 127.0.0.1, no Docker. PostgreSQL and Redis are the cluster's own (never the shared
# servers). Debian packages it lacks are installed first. State and logs: .cluster/; scale-test reports:
# reports/scale/. CLUSTER_RATE_LIMIT_STORAGE=memory runs without shared counters (the global-quota case then
# reports NOT RUN); SCALE_PROFILE=short runs smaller figures.
CLUSTER_INSTANCES ?= 3
CLUSTER_WORKERS ?= 2

.PHONY: cluster cluster-down cluster-status scale-test deploy-check

cluster: install ## start N API instances (default 3 x 2 workers) behind HAProxy, PgBouncer, PostgreSQL, Redis
	bash scripts/cluster/install.sh
	$(UV) run --frozen python -m scripts.cluster up --instances $(CLUSTER_INSTANCES) --workers $(CLUSTER_WORKERS)

cluster-down: install ## stop exactly the processes `make cluster` started
	$(UV) run --frozen python -m scripts.cluster down

cluster-status: install ## the cluster's processes and HAProxy's view of the instances
	$(UV) run --frozen python -m scripts.cluster status

scale-test: install ## drive a cluster (make cluster's, or one of its own): quotas, races, kills, 10,000 creates, throughput
	bash scripts/cluster/install.sh
	$(UV) run --frozen python -m scripts.cluster.scale

deploy-check: install ## deploy/: yamllint, kubernetes-validate, the compose spec, haproxy -c, and the settings/probe checks
	bash scripts/cluster/install.sh
	haproxy -c -q -f deploy/compose/haproxy.cfg
	$(UV) run --frozen pytest tests/deploy -q
