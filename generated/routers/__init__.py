# DO NOT EDIT: generated from openapi.yaml by `make generate` (scripts/codegen/generate.py).
# Change openapi.yaml or scripts/codegen/, then run `make generate`.
