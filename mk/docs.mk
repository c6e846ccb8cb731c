# Docs: a standalone HTML reference built from openapi.yaml, and the served docs (/docs, /redoc) checked in a real
# browser: Debian's Chromium (scripts/ensure_chromium.sh installs it) driven by playwright-core (package.json).

DOCS_REFERENCE := dist/reference.html
DOCS_REPORTS := reports/docs
CHROMIUM_PATH ?= /usr/bin/chromium

.PHONY: docs docs-test

docs: $(DOCS_REFERENCE) ## build the standalone HTML reference dist/reference.html (Redoc, scripts inlined, no CDN)

# --inlineBundle embeds Redoc instead of loading it from Redocly's CDN; disableTelemetry stops the embedded Redoc
# from reporting page views to Redocly, and REDOCLY_TELEMETRY=off the CLI itself.
$(DOCS_REFERENCE): openapi.yaml node_modules/.package-lock.json
	@mkdir -p $(@D)
	REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true npx --no-install redocly build-docs openapi.yaml \
		--inlineBundle --openapi.disableTelemetry=true --output $@

docs-test: docs install ## in headless Chromium: /docs, /redoc and dist/reference.html render every operation; Authorize + Try it out (screenshots in reports/docs)
	@test -x $(CHROMIUM_PATH) || { echo "no Chromium at $(CHROMIUM_PATH): run scripts/ensure_chromium.sh (as root)"; exit 1; }
	rm -rf $(DOCS_REPORTS) && mkdir -p $(DOCS_REPORTS)
	CHROMIUM_PATH=$(CHROMIUM_PATH) DOCS_REPORTS_DIR=$(DOCS_REPORTS) $(UV) run --frozen python -m scripts.live_server \
		--seed-users 1 --log $(DOCS_REPORTS)/server.log -- \
		node --test --test-concurrency=1 --test-reporter=spec tests/docs/served_docs.test.mjs tests/docs/reference.test.mjs
