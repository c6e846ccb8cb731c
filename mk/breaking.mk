# The breaking-change gate: openapi.yaml against the newest published copy in api/published/ (see api/README.md).
.PHONY: breaking release-spec

breaking: install node_modules/.package-lock.json ## fail on a spec change info.version does not allow (vs api/published)
	$(UV) run --frozen python -m scripts.spec_gate.breaking --json-report reports/breaking.json

# NOTES="..." on the command line adds a paragraph to the changelog entry; it reaches the script as $NOTES.
release-spec: export NOTES := $(NOTES)
release-spec: breaking ## publish openapi.yaml to api/published/ and prepend its CHANGELOG-API.md entry (NOTES=...)
	$(UV) run --frozen python -m scripts.spec_gate.release
