# SDKs generated from openapi.yaml: a Python client (openapi-python-client) and a TypeScript client
# (openapi-typescript types + openapi-fetch), each packed as an installable package into dist/sdk/packages.
# Hand-written parts live in sdk/ (generator config, the TypeScript wrapper, the TypeScript flow test);
# dist/sdk holds only output.

SDK_DIR := dist/sdk
SDK_PACKAGES := $(SDK_DIR)/packages
SDK_PYTHON_PACKAGE := contract_api_client
# The hand-written layer (clients, problems, pagination, retries, tokens), copied into the generated package.
SDK_PYTHON_LAYER := sdk/python/$(SDK_PYTHON_PACKAGE)
# Pinned exactly and run isolated (`uv tool run`), like fastapi-code-generator: its dependencies stay out of uv.lock.
OPENAPI_PYTHON_CLIENT := openapi-python-client==0.29.1
# info.version of the spec is the version of both packages (openapi-python-client reads it by itself).
# The throttled server of the retry tests (tests/sdk/conftest.py has the same): a few requests in a row meet a 429.
SDK_THROTTLED := --env "RATE_LIMIT=3/2 seconds" --env "AUTH_RATE_LIMIT=2/2 seconds"
SDK_SPEC_VERSION = $(UV) run --frozen python -c 'import yaml; print(yaml.safe_load(open("openapi.yaml"))["info"]["version"])'

.PHONY: sdk sdk-python sdk-typescript sdk-test

sdk: sdk-python sdk-typescript ## generate the Python and TypeScript SDKs into dist/sdk and pack both into dist/sdk/packages

sdk-python: install ## generate the Python SDK (dist/sdk/python) and build its sdist and wheel
	rm -rf $(SDK_DIR)/python $(SDK_PACKAGES)/$(SDK_PYTHON_PACKAGE)-*
	@# --fail-on-warning: a warning means some operation or model was left out of the SDK.
	@# sdk/python/templates overrides the generator's README and package __init__ (which exports the layer).
	$(UV) tool run --from $(OPENAPI_PYTHON_CLIENT) openapi-python-client generate --path openapi.yaml \
		--output-path $(SDK_DIR)/python --meta uv --config sdk/python/openapi-python-client.yaml --fail-on-warning \
		--custom-template-path sdk/python/templates
	@# The layer joins the generated package; it must never replace a generated module.
	@for module in $(SDK_PYTHON_LAYER)/*.py; do \
		if [ -e $(SDK_DIR)/python/$(SDK_PYTHON_PACKAGE)/$$(basename $$module) ]; then \
			echo "sdk: $$module would replace a generated module" >&2; exit 1; fi; done
	cp $(SDK_PYTHON_LAYER)/*.py $(SDK_DIR)/python/$(SDK_PYTHON_PACKAGE)/
	@# The generator's own post hooks would call whatever ruff is on PATH; the locked one formats instead.
	$(UV) run --frozen ruff check --quiet --fix-only --extend-select=I $(SDK_DIR)/python
	$(UV) run --frozen ruff format --quiet $(SDK_DIR)/python
	$(UV) build --quiet $(SDK_DIR)/python --out-dir $(SDK_PACKAGES)

sdk-typescript: node_modules/.package-lock.json ## generate and compile the TypeScript SDK (dist/sdk/typescript) and npm-pack it
	rm -rf $(SDK_DIR)/typescript $(SDK_PACKAGES)/contract-api-client-*.tgz
	mkdir -p $(SDK_DIR)/typescript $(SDK_PACKAGES)
	cp -R sdk/typescript/package.json sdk/typescript/tsconfig.json sdk/typescript/README.md sdk/typescript/src \
		$(SDK_DIR)/typescript/
	@# A .ts module (types only), not a .d.ts: tsc copies no .d.ts into the build, so the package would lack it.
	@# --default-non-nullable=false: a property with a default stays optional; otherwise request bodies would have
	@# to send every defaulted field (ItemCreate.status, ArticleCreate.published, ...).
	npx --no-install openapi-typescript openapi.yaml --redocly sdk/typescript/redocly.yaml --default-non-nullable=false \
		--output $(SDK_DIR)/typescript/src/schema.ts
	version=$$($(SDK_SPEC_VERSION)) && cd $(SDK_DIR)/typescript && npm pkg set version="$$version"
	npx --no-install tsc -p $(SDK_DIR)/typescript
	npm pack --silent $(SDK_DIR)/typescript --pack-destination $(SDK_PACKAGES)

sdk-test: sdk ## both SDKs against a live server: mypy --strict + pytest (Python), tsc --strict + node (TypeScript)
	$(UV) run --frozen ruff check $(SDK_PYTHON_LAYER)
	$(UV) run --frozen ruff format --check $(SDK_PYTHON_LAYER)
	@# The package as generated plus the layer, type-checked from its build tree.
	MYPYPATH=$(SDK_DIR)/python $(UV) run --frozen mypy --strict --cache-dir $(SDK_DIR)/.mypy_cache \
		$(SDK_DIR)/python/$(SDK_PYTHON_PACKAGE)
	@# The tests use the packed wheel, installed (with its declared dependencies) as a partner would install it;
	@# they are excluded from `make typecheck` and checked here against that wheel, with their own mypy cache.
	version=$$($(SDK_SPEC_VERSION)) && wheel=$(SDK_PACKAGES)/$(SDK_PYTHON_PACKAGE)-$$version-py3-none-any.whl && \
		$(UV) run --frozen --with $$wheel mypy --strict --cache-dir $(SDK_DIR)/.mypy_cache_tests tests/sdk/*.py && \
		$(UV) run --frozen --with $$wheel pytest tests/sdk
	@# The TypeScript tests run against the packed tarball, installed as a partner team would install it; the
	@# README's walkthrough is compiled and run with them. flow.js and the walkthrough use a server with the usual
	@# gate limits, retry.js one whose low rate limits answer real 429s.
	rm -rf $(SDK_DIR)/flow-test
	mkdir -p $(SDK_DIR)/flow-test
	cp sdk/typescript/flow-test/package.json sdk/typescript/flow-test/tsconfig.json sdk/typescript/flow-test/*.ts \
		$(SDK_DIR)/flow-test/
	cd $(SDK_DIR)/flow-test && npm install --prefer-offline --no-audit --no-fund --loglevel=error \
		../packages/contract-api-client-*.tgz
	node sdk/typescript/flow-test/readme-walkthrough.mjs \
		$(SDK_DIR)/flow-test/node_modules/@contract-api/client/README.md $(SDK_DIR)/flow-test/readme.ts
	npx --no-install tsc -p $(SDK_DIR)/flow-test --strict
	$(UV) run --frozen python -m scripts.live_server -- \
		node --test --test-concurrency=1 $(SDK_DIR)/flow-test/build/flow.js $(SDK_DIR)/flow-test/build/readme.js
	$(UV) run --frozen python -m scripts.live_server $(SDK_THROTTLED) -- \
		node --test --test-concurrency=1 $(SDK_DIR)/flow-test/build/retry.js
