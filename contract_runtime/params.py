"""Parameter text validators: query, path and header values are text, and Pydantic's lax parsing would accept
values the spec rejects (`yes` for a boolean, `1.0` for an integer, a UUID without dashes)."""

import re

from pydantic import BeforeValidator

_UUID_TEXT = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
_INT_TEXT = re.compile(r"[+-]?[0-9]{1,20}")


def _uuid_text(value: object) -> object:
    if isinstance(value, str) and not _UUID_TEXT.fullmatch(value):
        raise ValueError("must be a UUID in its canonical 8-4-4-4-12 form")
    return value


def _int_text(value: object) -> object:
    if isinstance(value, str) and not _INT_TEXT.fullmatch(value):
        raise ValueError("must be an integer")
    return value


def _bool_text(value: object) -> object:
    if isinstance(value, str):
        if value not in ("true", "false"):
            raise ValueError("must be `true` or `false`")
        return value == "true"
    return value


UUID_TEXT = BeforeValidator(_uuid_text)
INT_TEXT = BeforeValidator(_int_text)
BOOL_TEXT = BeforeValidator(_bool_text)
