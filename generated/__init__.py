# DO NOT EDIT: generated from openapi.yaml by `make generate` (scripts/codegen/generate.py).
# Change openapi.yaml or scripts/codegen/, then run `make generate`.
"""Generated from openapi.yaml: models, one router and interface per tag, create_app."""
