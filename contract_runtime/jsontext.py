"""JSON text read with JSON Schema's number model.

JSON Schema has one number type: `181.0` is an integer as much as `181` is (`integer` is a mathematical test, not
a spelling). Models hold integers as strict `int` (so `"5"` and `true` are never numbers), so integral numbers are
read as Python ints, exactly (through Decimal: `9007199254740993.0` stays that integer). NaN and Infinity are not
JSON, and a number too large for a float is refused rather than read as infinity.
"""

import json
from decimal import Decimal
from typing import Any

# Exponents beyond this are not read as integers: `1e1000000000` would otherwise build a billion-digit int.
_MAX_EXPONENT = 400


def _number(literal: str) -> int | float:
    exact = Decimal(literal)
    if abs(exact.adjusted()) <= _MAX_EXPONENT and exact == exact.to_integral_value():
        return int(exact)
    value = float(literal)
    if value in (float("inf"), float("-inf")):
        raise ValueError(f"the number {literal[:40]} is out of range")
    return value


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def loads(text: str | bytes) -> Any:
    """The JSON document; ValueError when it is not JSON (or holds a number no float can carry)."""
    return json.loads(text, parse_float=_number, parse_constant=_no_constant)
