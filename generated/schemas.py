# DO NOT EDIT: generated from openapi.yaml by `make generate` (scripts/codegen).
# Change openapi.yaml or scripts/codegen/, then run it again.

"""Decoding skeletons of the schemas whose values arrive as text or XML in openapi.yaml (types, items,
properties, xml hints): the runtime reads parameters, forms, multipart parts and XML by them."""

from typing import Any

SCHEMAS: dict[str, Any] = {
    "TokenRequest": {
        "type": "object",
        "properties": {
            "grant_type": {"type": "string"},
            "username": {"type": "string"},
            "password": {"type": "string"},
            "refresh_token": {"type": "string"},
            "scope": {"type": "string"},
            "client_id": {"type": "string"},
            "client_secret": {"type": "string"},
        },
    },
    "SearchText": {"type": "string"},
    "Uuid": {"type": "string", "format": "uuid"},
    "PriceBound": {"type": "string"},
    "ItemStatus": {"type": "string"},
}
