"""Inline schemas anywhere (fixtures/inline, a 3.0 document without components): bodies, nested objects, array
items, answers and enum parameters each get a named, typed model."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.codegen import features
from tests.codegen.conftest import Connect

ORDER = {"customer": {"name": "Ann", "vip": True}, "lines": [{"sku": "a", "quantity": 2}, {"sku": "b", "quantity": 3}]}


@pytest.fixture
def service(feature_root: Path) -> Any:
    return features.service("inline")


async def test_inline_schemas_become_models(service: Any, connect: Connect) -> None:
    orders = service.Orders()
    client = connect(service.app(orders))
    response = await client.post("/orders", json={**ORDER, "note": None})
    assert (response.status_code, response.json()) == (201, {"id": "o-0", "total_quantity": 5})
    [order] = orders.orders
    assert type(order) is service.models.CreateOrderRequest
    assert type(order.customer) is service.models.Customer
    assert [type(line) for line in order.lines] == [service.models.Line, service.models.Line]
    assert order.note is None  # 3.0 nullable


async def test_inline_answers_and_enum_parameters(service: Any, connect: Connect) -> None:
    orders = service.Orders()
    client = connect(service.app(orders))
    await client.post("/orders", json=ORDER)
    response = await client.get("/orders")
    assert response.json() == [{"id": "o-0", "state": "open"}]  # the parameter's default
    closed = await client.get("/orders?state=closed")
    assert closed.json() == [{"id": "o-0", "state": "closed"}]
    assert (await client.get("/orders?state=lost")).status_code == 422


@pytest.mark.parametrize(
    "payload",
    [
        {**ORDER, "lines": []},
        {**ORDER, "lines": [{"sku": "a", "quantity": 0}]},
        {**ORDER, "customer": {"vip": True}},
    ],
)
async def test_inline_constraints_hold(service: Any, connect: Connect, payload: dict[str, Any]) -> None:
    orders = service.Orders()
    response = await connect(service.app(orders)).post("/orders", json=payload)
    assert response.status_code == 422
    assert orders.orders == []
