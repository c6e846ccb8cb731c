# DO NOT EDIT: generated from openapi.yaml by `make generate` (scripts/codegen).
# Change openapi.yaml or scripts/codegen/, then run it again.

"""Decoding skeletons of the schemas whose values arrive as text or XML in openapi.yaml (types, items,
properties, xml hints): the runtime reads parameters, forms, multipart parts and XML by them."""

from typing import Any

SCHEMAS: dict[str, Any] = {
    "UserRegister": {
        "type": "object",
        "properties": {"email": {"$ref": "Email"}, "password": {"$ref": "Password"}, "full_name": {"$ref": "FullName"}},
        "required": ["email", "password"],
    },
    "Email": {"type": "string", "format": "email"},
    "Password": {"type": "string"},
    "FullName": {"type": "string"},
    "RequestId": {"type": "string"},
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
        "required": ["grant_type"],
    },
    "LogoutRequest": {
        "type": "object",
        "properties": {"refresh_token": {"type": "string"}},
        "required": ["refresh_token"],
    },
    "UserUpdateMe": {
        "type": "object",
        "properties": {"email": {"$ref": "Email"}, "full_name": {"type": ["string", "null"]}},
    },
    "PasswordChange": {
        "type": "object",
        "properties": {"current_password": {"type": "string"}, "new_password": {"$ref": "Password"}},
        "required": ["current_password", "new_password"],
    },
    "SearchText": {"type": "string"},
    "Uuid": {"type": "string", "format": "uuid"},
    "UserUpdateAdmin": {
        "type": "object",
        "properties": {
            "full_name": {"type": ["string", "null"]},
            "is_active": {"type": "boolean"},
            "is_superuser": {"type": "boolean"},
        },
    },
    "PriceBound": {"type": "string"},
    "ItemStatus": {"type": "string"},
    "ItemCreate": {
        "type": "object",
        "properties": {
            "name": {"$ref": "ItemName"},
            "description": {"$ref": "ItemDescription"},
            "price": {"$ref": "Price"},
            "status": {"$ref": "ItemStatus"},
            "tags": {"$ref": "Tags"},
        },
        "required": ["name", "price"],
    },
    "ItemName": {"type": "string"},
    "ItemDescription": {"type": ["string", "null"]},
    "Price": {"type": "string"},
    "Tags": {"type": "array", "items": {"type": "string"}},
    "ItemUpdate": {
        "type": "object",
        "properties": {
            "name": {"$ref": "ItemName"},
            "description": {"$ref": "ItemDescription"},
            "price": {"$ref": "Price"},
            "status": {"$ref": "ItemStatus"},
            "tags": {"$ref": "Tags"},
        },
    },
    "ArticleCreate": {
        "type": "object",
        "properties": {
            "title": {"$ref": "ArticleTitle"},
            "body": {"$ref": "ArticleBody"},
            "published": {"type": "boolean"},
        },
        "required": ["title", "body"],
    },
    "ArticleTitle": {"type": "string"},
    "ArticleBody": {"type": "string"},
    "ArticleUpdate": {
        "type": "object",
        "properties": {
            "title": {"$ref": "ArticleTitle"},
            "body": {"$ref": "ArticleBody"},
            "published": {"type": "boolean"},
        },
    },
}
