# DO NOT EDIT: generated from openapi.yaml by `make generate` (scripts/codegen).
# Change openapi.yaml or scripts/codegen/, then run it again.

"""The security schemes of openapi.yaml (components/securitySchemes)."""

from contract_runtime import SecurityScheme

O_AUTH2_PASSWORD = SecurityScheme(name="OAuth2Password", type="oauth2")
