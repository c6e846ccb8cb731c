"""How much serialising a 20-item page costs each way we could do it (in-process micro-benchmark).

The response check validates what the implementation answers (it stays on): the runtime now writes the JSON once
through the declared model's serializer and validates those bytes strictly; before, it re-validated a dump of the
model, then wrote the JSON with pydantic-core (`model_dump_json`) or, earlier, json.dumps; orjson or msgspec over
`model_dump` for comparison. Without the check, for scale: the same writers alone.
"""

from __future__ import annotations

import json
import timeit
import uuid
from collections.abc import Callable
from datetime import UTC, datetime

import msgspec
import orjson

from generated import models

CALLS = 2000


def _page() -> models.ItemPage:
    now = datetime.now(UTC)
    owner = uuid.uuid4()
    items = [
        models.Item(
            id=uuid.uuid4(),
            owner_id=owner,
            name=f"Brass lamp {n}",
            description="A brass desk lamp.",
            price="19.99",
            status=models.ItemStatus.draft,
            tags=[models.Tag("lighting"), models.Tag("brass")],
            created_at=now,
            updated_at=now,
        )
        for n in range(20)
    ]
    return models.ItemPage(items=items, next_cursor=None)


def _written_and_checked(page: models.ItemPage) -> bytes:
    content = models.ItemPage.__pydantic_serializer__.to_json(page, by_alias=True, warnings="error")
    models.ItemPage.__pydantic_validator__.validate_json(content, strict=True)
    return content


def measure() -> dict[str, float]:
    """Microseconds per serialised page, for each way (best of 5 repeats)."""
    page = _page()
    ways: dict[str, Callable[[], object]] = {
        "pydantic: write once, validate the bytes strictly (the response check now)": lambda: _written_and_checked(
            page
        ),
        "pydantic: re-validate + model_dump_json (the response check before)": lambda: models.ItemPage.model_validate(
            page.model_dump(by_alias=True)
        ).model_dump_json(by_alias=True),
        "re-validate + model_dump(mode='json') + json.dumps (the first response check)": lambda: json.dumps(
            models.ItemPage.model_validate(page.model_dump(by_alias=True)).model_dump(mode="json", by_alias=True),
            ensure_ascii=False,
            separators=(",", ":"),
        ),
        "re-validate + orjson(model_dump(mode='json'))": lambda: orjson.dumps(
            models.ItemPage.model_validate(page.model_dump(by_alias=True)).model_dump(mode="json", by_alias=True)
        ),
        "re-validate + msgspec(model_dump())": lambda: msgspec.json.encode(
            models.ItemPage.model_validate(page.model_dump(by_alias=True)).model_dump(by_alias=True)
        ),
        "pydantic: model_dump_json (no check)": lambda: page.model_dump_json(by_alias=True),
        "orjson(model_dump(mode='json'))": lambda: orjson.dumps(page.model_dump(mode="json", by_alias=True)),
        "msgspec(model_dump())": lambda: msgspec.json.encode(page.model_dump(by_alias=True)),
    }
    return {name: min(timeit.repeat(way, number=CALLS, repeat=5)) / CALLS * 1e6 for name, way in ways.items()}
