# DO NOT EDIT: generated from openapi.yaml by `make generate` (scripts/codegen).
# Change openapi.yaml or scripts/codegen/, then run it again.

"""Decoding skeletons of the schemas whose values arrive as text or XML in openapi.yaml (types, items,
properties, xml hints): the runtime reads parameters, forms, multipart parts and XML by them; and the sentence
each pattern's `x-pattern-message` gives, which a value breaking that pattern is refused with (422)."""

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

PATTERN_MESSAGES: dict[str, str] = {
    '^"[0-9]{1,19}(?:\\.[0-9]{1,19})?"$': 'A strong entity tag: the resource\'s version in double quotes, such as `"3"`.',
    "^(?:(?:0|[1-9][0-9]{0,5})(?:\\.[0-9]{1,2})?|1000000(?:\\.0{1,2})?)$": 'An amount from 0 to 1,000,000 with up to two decimal places, written as a string: "10" or "10.50".',
    "^(?:[1-9][0-9]{0,5}\\.[0-9]{2}|0\\.(?:0[1-9]|[1-9][0-9])|1000000\\.00)$": 'An amount with exactly two decimal places, more than 0 and at most 1,000,000.00, written as a string: "19.99".',
    "^Bearer(?: .+)?$": "`Bearer`, then the error parameters if a token was refused.",
    "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$": "A UUID: 32 hexadecimal digits in groups of 8, 4, 4, 4 and 12, separated by hyphens.",
    "^[A-Za-z0-9._~:+/=-]{1,128}$": "1 to 128 letters, digits or `._~:+/=-`.",
    "^[A-Za-z0-9_-]+$": "Letters, digits, `-` and `_` only.",
    "^[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+$": "A JWT: three base64url parts separated by dots.",
    "^[A-Za-z0-9_-]{1,640}$": "Not a cursor this API made: send back the `next_cursor` of the previous page unchanged (letters, digits, `-` and `_`).",
    "^[\\x21-\\x7e](?:[\\x20-\\x7e]*[\\x21-\\x7e])?$": 'Entity tags as an answer\'s `ETag` gave them (`"3"`), a comma-separated list of them, or `*`: visible ASCII characters only.',
    "^[\\x21-\\x7e]{1,255}$": "1 to 255 visible ASCII characters (letters, digits and punctuation; no spaces), such as a UUID.",
    "^[^\\x00-\\x1f\\x7f-\\x9f]*$": "Must not contain control characters (U+0000 to U+001F, U+007F to U+009F).",
    "^[^\\x00]*$": "Must not contain NUL characters (U+0000).",
}
