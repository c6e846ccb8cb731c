# One command to publish: everything partner teams consume, assembled into dist/ and checked (scripts/publish.py).
.PHONY: publish

publish: docs sdk ## assemble dist/: openapi.yaml + bundled openapi.json, HTML reference, both SDK packages, changelog
	REDOCLY_TELEMETRY=off npx --no-install redocly bundle openapi.yaml --ext json --output dist/openapi.json
	$(UV) run --frozen python -m scripts.publish
