"""Requests this API sends (webhooks and callbacks), through generated, validated code.

The generated sender validates the payload against the spec before it leaves, sends it through a transport
(`HttpTransport` over an httpx client, or any other), and checks the receiver's reply: a status the spec does
not declare for it is an `UndeclaredReply`; a declared JSON body is parsed into its model.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar
from urllib.parse import urlencode, urlsplit, urlunsplit

from contract_runtime import encoding, jsontext, media
from contract_runtime.contract import JSON, ContractViolation, OutgoingContract, response_for

if TYPE_CHECKING:  # imported by whoever builds the client: serving an API that sends nothing never loads httpx
    import httpx

B = TypeVar("B")


@dataclass(frozen=True)
class Reply(Generic[B]):
    """The receiver's answer: its status, its body (the declared model for JSON, else bytes; None when empty) and
    headers. Generated senders type `B` with the bodies the spec declares for the replies."""

    status: int
    body: B
    headers: Mapping[str, str]


class WebhookTransport(Protocol):
    async def send(
        self, method: str, url: str, headers: Mapping[str, str], content: bytes | None
    ) -> tuple[int, Mapping[str, str], bytes]: ...


class HttpTransport:
    """Sends over an httpx client the application owns (its timeouts, retries and TLS settings)."""

    def __init__(self, client: "httpx.AsyncClient") -> None:
        self._client = client

    async def send(
        self, method: str, url: str, headers: Mapping[str, str], content: bytes | None
    ) -> tuple[int, Mapping[str, str], bytes]:
        response = await self._client.request(method, url, headers=dict(headers), content=content)
        return response.status_code, dict(response.headers), response.content


class UndeclaredReply(Exception):
    """The receiver answered with something the spec does not declare for this request."""


async def send(
    transport: WebhookTransport,
    contract: OutgoingContract,
    url: str,
    *,
    body: Any = None,
    parameters: Mapping[str, Any] | None = None,
) -> Reply[Any]:
    """Validate, send and check one outgoing request. An invalid payload never leaves (ContractViolation)."""
    headers: dict[str, str] = {}
    query: dict[str, str] = {}
    for spec in contract.parameters:
        value = (parameters or {}).get(spec.keyword)
        if value is None:
            if spec.required:
                raise ContractViolation(f"{contract.name}: parameter {spec.name} is required")
            continue
        text = encoding.header_text(value)
        if spec.location == "header":
            headers[spec.name] = text
        elif spec.location == "query":
            query[spec.name] = text
    content: bytes | None = None
    if contract.body is not None:
        if body is None:
            if contract.body.required:
                raise ContractViolation(f"{contract.name}: the request body is required")
        else:
            chosen = next((m for m in contract.body.media if encoding.fits(m, body)), None)
            if chosen is None:
                raise ContractViolation(f"{contract.name}: a {type(body).__name__} fits no declared media type")
            encoded = encoding.encode(
                chosen, chosen.media_type, body, contract.schemas, contract.name, hidden="readOnly"
            )
            if not isinstance(encoded, bytes):
                raise ContractViolation(f"{contract.name}: outgoing bodies are sent whole, not streamed")
            content = encoded
            headers["Content-Type"] = chosen.media_type
    if query:
        parts = urlsplit(url)
        url = urlunsplit(parts._replace(query="&".join(filter(None, [parts.query, urlencode(query)]))))
    status, reply_headers, reply_body = await transport.send(contract.method, url, headers, content)
    declared = response_for(contract.responses, status)
    if declared is None:
        raise UndeclaredReply(f"{contract.name}: the receiver answered {status}, which the spec does not declare")
    parsed: Any = reply_body or None
    content_type = {k.lower(): v for k, v in reply_headers.items()}.get("content-type")
    if reply_body and content_type and declared.content:
        chosen = media.select_body_media(declared.content, content_type)
        if chosen is None:
            raise UndeclaredReply(f"{contract.name}: the receiver answered {status} as undeclared {content_type}")
        if chosen.kind == JSON and chosen.type is not None:
            try:
                parsed = encoding.adapter(chosen.type).validate_python(jsontext.loads(reply_body))
            except ValueError as exc:  # not JSON, or a ValidationError
                raise UndeclaredReply(f"{contract.name}: the receiver's {status} breaks its schema: {exc}") from exc
    return Reply(status=status, body=parsed, headers=reply_headers)
