# Docs: a standalone HTML reference built from openapi.yaml, and the served docs (/docs, /redoc) checked in a real
# browser: Debian's Chromium (scripts/ensure_chromium.sh installs it) driven by playwright-core (package.json).

DOCS_REFERENCE := dist/reference.html
DOCS_REPORTS := reports/docs
CHROMIUM_PATH ?= /usr/bin/chromium

.PHONY: docs docs-test

docs: $(DOCS_REFERENCE) ## build the standalone HTML reference dist/reference.html (Redoc, scripts inlined, no CDN)

# The reference renders the docs' presentation of openapi.yaml (impl/docs_presentation.py, as /docs and /redoc
# do): the same API, common headers described once, patterns as sentences. --inlineBundle embeds Redoc instead of
# loading it from Redocly's CDN; disableTelemetry stops the embedded Redoc from reporting page views to Redocly,
# and REDOCLY_TELEMETRY=off the CLI itself; `offline` then swaps the Redocly badge image for a local one and fails
# if the page would still load anything from elsewhere.
# A build input, not shipped: dist/ holds what is.
DOCS_PRESENTATION := reports/docs-build/openapi.presentation.yaml

$(DOCS_REFERENCE): openapi.yaml impl/docs_presentation.py scripts/docs_reference.py node_modules/.package-lock.json
	@mkdir -p $(@D)
	$(UV) run --frozen python -m scripts.docs_reference presentation openapi.yaml $(DOCS_PRESENTATION)
	REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true npx --no-install redocly build-docs $(DOCS_PRESENTATION) \
		--inlineBundle --openapi.disableTelemetry=true --output $@
	$(UV) run --frozen python -m scripts.docs_reference offline $@

docs-test: docs install ## in headless Chromium: /docs, /redoc and dist/reference.html render every operation; Authorize + Try it out (screenshots in reports/docs)
	@test -x $(CHROMIUM_PATH) || { echo "no Chromium at $(CHROMIUM_PATH): run scripts/ensure_chromium.sh (as root)"; exit 1; }
	rm -rf $(DOCS_REPORTS) && mkdir -p $(DOCS_REPORTS)
	CHROMIUM_PATH=$(CHROMIUM_PATH) DOCS_REPORTS_DIR=$(DOCS_REPORTS) $(UV) run --frozen python -m scripts.live_server \
		--seed-users 1 --log $(DOCS_REPORTS)/server.log -- \
		node --test --test-concurrency=1 --test-reporter=spec tests/docs/served_docs.test.mjs tests/docs/reference.test.mjs
