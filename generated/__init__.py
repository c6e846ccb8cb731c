# DO NOT EDIT: generated from openapi.yaml by `make generate` (scripts/codegen).
# Change openapi.yaml or scripts/codegen/, then run it again.
"""Generated from openapi.yaml: models, one interface per tag, routers, create_app."""
