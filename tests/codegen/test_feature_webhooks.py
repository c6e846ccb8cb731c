"""Webhooks and callbacks (fixtures/webhooks): the generated sender validates each payload before it leaves and
each reply against the responses the spec declares, over real HTTP to a receiver on 127.0.0.1."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from contract_runtime import ContractViolation, HttpTransport, UndeclaredReply
from tests.codegen import features
from tests.codegen.conftest import Connect
from tests.codegen.support import free_port

AT = datetime(2026, 3, 4, 5, 6, 7, tzinfo=UTC)


@dataclass
class Receiver:
    """A subscriber's endpoint: records each request and answers as told."""

    url: str
    received: list[dict[str, Any]] = field(default_factory=list)
    status: int = 200
    body: Any = None

    async def endpoint(self, request: Request) -> Response:
        self.received.append(
            {"path": request.url.path, "headers": dict(request.headers), "body": json.loads(await request.body())}
        )
        if self.body is None:
            return Response(status_code=self.status)
        return JSONResponse(self.body, status_code=self.status)


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    port = free_port()
    made = Receiver(url=f"http://127.0.0.1:{port}")
    app = Starlette(routes=[Route("/{path:path}", made.endpoint, methods=["POST"])])
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    task = asyncio.create_task(server.serve())
    deadline = asyncio.get_running_loop().time() + 10
    while not server.started:
        assert asyncio.get_running_loop().time() < deadline, "the receiver did not start"
        await asyncio.sleep(0.02)
    yield made
    server.should_exit = True
    await task


@pytest.fixture
def service(feature_root: Path) -> Any:
    return features.service("webhooks")


@pytest.fixture
async def webhooks(service: Any) -> AsyncIterator[Any]:
    async with httpx.AsyncClient(timeout=10) as client:
        yield service.Webhooks(HttpTransport(client))


async def test_a_webhook_is_sent_as_declared_and_its_reply_parsed(
    service: Any, webhooks: Any, receiver: Receiver
) -> None:
    receiver.body = {"received": True}
    reply = await service.ship(webhooks, f"{receiver.url}/hooks/orders", "ord-42", 3, AT)
    [request] = receiver.received
    assert request["path"] == "/hooks/orders"
    assert request["headers"]["x-signature"] == "sig-1"
    assert request["headers"]["content-type"] == "application/json"
    # readOnly members stay home: internal_note is never sent.
    assert request["body"] == {"order_id": "ord-42", "items": 3, "shipped_at": "2026-03-04T05:06:07Z"}
    assert reply.status == 200
    assert reply.body.received is True  # the declared 200 body, as its model


async def test_a_payload_breaking_its_schema_is_refused_before_sending(
    service: Any, webhooks: Any, receiver: Receiver
) -> None:
    shipment = service.models.Shipment(order_id="ord-1", items=1, shipped_at=AT)
    shipment.order_id = "not an order id"  # models do not validate assignments; the sender does
    with pytest.raises(ContractViolation, match="order_id"):
        await webhooks.order_shipped(receiver.url, body=shipment, x_signature="sig")
    with pytest.raises(ContractViolation, match="X-Signature"):
        await webhooks.order_shipped(receiver.url, body=shipment, x_signature=None)
    assert receiver.received == []


@pytest.mark.parametrize(("status", "body"), [(500, None), (200, {"received": "yes"}), (201, {"received": True})])
async def test_a_reply_the_spec_does_not_declare_is_reported(
    service: Any, webhooks: Any, receiver: Receiver, status: int, body: Any
) -> None:
    receiver.status, receiver.body = status, body
    with pytest.raises(UndeclaredReply):
        await service.ship(webhooks, receiver.url, "ord-1", 1, AT)
    assert len(receiver.received) == 1  # it was sent: the reply is what broke the contract


async def test_a_declared_refusal_is_a_reply_too(service: Any, webhooks: Any, receiver: Receiver) -> None:
    receiver.status = 410
    reply = await service.ship(webhooks, receiver.url, "ord-1", 1, AT)
    assert (reply.status, reply.body) == (410, None)


async def test_a_callback_goes_to_the_url_the_request_named(
    service: Any, webhooks: Any, receiver: Receiver, connect: Connect
) -> None:
    receiver.status = 204
    events = service.Events(webhooks)
    response = await connect(service.app(events)).post(
        "/subscriptions", json={"callbackUrl": f"{receiver.url}/confirmations"}
    )
    assert response.status_code == 201, response.text
    assert [(r["path"], r["body"]) for r in receiver.received] == [("/confirmations", {"subscription": "sub-1"})]
    assert [r.status for r in events.replies] == [204]
