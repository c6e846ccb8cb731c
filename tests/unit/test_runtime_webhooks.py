"""contract_runtime.webhooks.send on a hand-written OutgoingContract, through a recording transport: what leaves
is validated first, what comes back is checked against the declared replies."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any

import pytest
from pydantic import BaseModel, Field, StrictBool

from contract_runtime import (
    ContractViolation,
    DeclaredResponse,
    MediaSpec,
    OutgoingContract,
    ParameterSpec,
    RequestBodySpec,
    UndeclaredReply,
    send,
)


class Event(BaseModel):
    id: Annotated[int, Field(ge=1)]
    secret: str | None = None


class Ack(BaseModel):
    ok: StrictBool  # as generated models hold booleans


EVENT = MediaSpec(
    media_type="application/json",
    kind="json",
    type=Event,
    schema={"type": "object", "properties": {"id": {"type": "integer"}, "secret": {"readOnly": True}}},
)
CONTRACT = OutgoingContract(
    name="eventHappened",
    method="POST",
    responses={
        "200": DeclaredResponse(
            status="200", content=(MediaSpec(media_type="application/json", kind="json", type=Ack),)
        ),
        "4XX": DeclaredResponse(status="4XX"),
    },
    parameters=(
        ParameterSpec(name="X-Signature", location="header", keyword="signature", required=True),
        ParameterSpec(name="v", location="query", keyword="version"),
    ),
    body=RequestBodySpec(required=True, media=(EVENT,)),
)


class Transport:
    def __init__(self, status: int = 200, headers: Mapping[str, str] | None = None, body: bytes = b"") -> None:
        self.reply = (status, dict(headers or {}), body)
        self.sent: list[tuple[str, str, dict[str, str], bytes | None]] = []

    async def send(
        self, method: str, url: str, headers: Mapping[str, str], content: bytes | None
    ) -> tuple[int, Mapping[str, str], bytes]:
        self.sent.append((method, url, dict(headers), content))
        return self.reply


JSON = {"Content-Type": "application/json"}


async def test_a_valid_event_is_sent_and_the_reply_parsed() -> None:
    transport = Transport(200, JSON, b'{"ok": true}')
    reply = await send(
        transport,
        CONTRACT,
        "https://r.example/hook?a=1",
        body=Event(id=5, secret="s"),
        parameters={"signature": "sig", "version": 2},
    )
    [(method, url, headers, content)] = transport.sent
    assert (method, url) == ("POST", "https://r.example/hook?a=1&v=2")
    assert headers == {"X-Signature": "sig", "Content-Type": "application/json"}
    assert content == b'{"id":5}'  # readOnly members are not sent
    assert (reply.status, reply.body) == (200, Ack(ok=True))


@pytest.mark.parametrize(
    ("body", "parameters", "message"),
    [
        (Event.model_construct(id=0), {"signature": "s"}, "breaks its schema"),
        (Ack(ok=True), {"signature": "s"}, "fits no declared media type"),
        (None, {"signature": "s"}, "the request body is required"),
        (Event(id=1), {}, "parameter X-Signature is required"),
    ],
)
async def test_an_invalid_request_never_leaves(body: Any, parameters: dict[str, Any], message: str) -> None:
    transport = Transport()
    with pytest.raises(ContractViolation, match=message):
        await send(transport, CONTRACT, "https://r.example/", body=body, parameters=parameters)
    assert transport.sent == []


@pytest.mark.parametrize(
    ("status", "headers", "body", "message"),
    [
        (500, {}, b"", "answered 500, which the spec does not declare"),
        (302, {}, b"", "answered 302"),
        (200, {"Content-Type": "text/html"}, b"<p>ok</p>", "as undeclared text/html"),
        (200, JSON, b'{"ok": "yes"}', "breaks its schema"),
        (200, JSON, b"{not json", "breaks its schema"),
    ],
)
async def test_an_undeclared_reply_is_reported(status: int, headers: dict[str, str], body: bytes, message: str) -> None:
    transport = Transport(status, headers, body)
    with pytest.raises(UndeclaredReply, match=message):
        await send(transport, CONTRACT, "https://r.example/", body=Event(id=1), parameters={"signature": "s"})
    assert len(transport.sent) == 1


async def test_a_reply_in_a_declared_range_is_returned() -> None:
    transport = Transport(410)
    reply = await send(transport, CONTRACT, "https://r.example/", body=Event(id=1), parameters={"signature": "s"})
    assert (reply.status, reply.body) == (410, None)
