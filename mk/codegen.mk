# The generator on any document: `make mock SPEC=path PORT=n` serves it through the code generated from it, and
# `make codegen-test` runs the conformance corpus (tests/codegen: public documents, mypy --strict, schemathesis
# against each mock) and the generator's fixture tests.
.PHONY: mock codegen-test

SPEC ?= openapi.yaml
PORT ?= 4010

mock: install ## serve SPEC (any OpenAPI 3.0/3.1 document) as a mock on PORT, through generated code and the runtime
	$(UV) run --frozen python -m scripts.codegen.mock --spec $(SPEC) --port $(PORT)

codegen-test: install ## the generator's conformance corpus and fixtures: generate, mypy --strict, mock + schemathesis
	$(UV) run --frozen pytest tests/codegen -q
