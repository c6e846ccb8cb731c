"""How much serialising a 20-item page costs each way we could do it (in-process micro-benchmark).

The response check re-validates the implementation's model (it stays on); then the JSON is written by pydantic-core
(`model_dump_json`), as the runtime does now, or by json.dumps (the runtime before), orjson or msgspec over
`model_dump`. Without the check, for scale: the same writers alone.
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


def measure() -> dict[str, float]:
    """Microseconds per serialised page, for each way (best of 5 repeats)."""
    page = _page()
    ways: dict[str, Callable[[], object]] = {
        "pydantic: re-validate + model_dump_json (the response check now)": lambda: models.ItemPage.model_validate(
            page.model_dump(by_alias=True)
        ).model_dump_json(by_alias=True),
        "re-validate + model_dump(mode='json') + json.dumps (the response check before)": lambda: json.dumps(
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
