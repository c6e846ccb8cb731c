"""Client identity cannot be claimed: X-Forwarded-For counts only from TRUSTED_PROXIES, however the app is served.

The middleware on its own (in-process, the peer set by the ASGI transport), then the rate limit on a real server: a
client on 127.0.0.1 writing a new X-Forwarded-For on every login still hits its quota, with ``scripts.serve`` and
with a bare ``uvicorn`` (whose own proxy-header handling trusts 127.0.0.1); a trusted proxy's header is used.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from ipaddress import ip_network
from pathlib import Path

import httpx
import pytest
from starlette.types import Receive, Scope, Send

from impl.forwarded import TrustedProxyHeaders, parse_address
from tests.serving.server import RunningServer, request, running_server

AUTH_QUOTA = 3
# A wrong password: RFC 6749's invalid_grant. Every attempt counts against the quota.
REFUSED_LOGIN = 400
ATTEMPTS = 12


async def echo_client(scope: Scope, receive: Receive, send: Send) -> None:
    """A tiny ASGI app answering with the client and scheme it was given."""
    client = scope.get("client")
    body = f"{client[0] if client else None} {scope['scheme']}".encode()
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain")]})
    await send({"type": "http.response.body", "body": body})


async def seen_as(peer: str, trusted: str, headers: dict[str, str]) -> str:
    app = TrustedProxyHeaders(echo_client, [ip_network(net) for net in trusted.split(",") if net])
    transport = httpx.ASGITransport(app=app, client=(peer, 40000))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        response = await client.get("/", headers=headers)
    return response.text


# --- the middleware ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("peer", "trusted", "headers", "expected"),
    [
        # Nothing trusted (the default): the peer, whatever the header says.
        ("203.0.113.7", "", {"X-Forwarded-For": "198.51.100.1"}, "203.0.113.7 http"),
        ("127.0.0.1", "", {"X-Forwarded-For": "198.51.100.1", "X-Forwarded-Proto": "https"}, "127.0.0.1 http"),
        # A peer that is not a trusted proxy, while another one is.
        ("203.0.113.7", "10.0.0.0/8", {"X-Forwarded-For": "198.51.100.1"}, "203.0.113.7 http"),
        # A trusted proxy: the address it appended, and its scheme.
        (
            "10.0.0.2",
            "10.0.0.0/8",
            {"X-Forwarded-For": "198.51.100.1", "X-Forwarded-Proto": "https"},
            "198.51.100.1 https",
        ),
        # What the client wrote itself sits left of what the proxy appended: never reached.
        ("10.0.0.2", "10.0.0.0/8", {"X-Forwarded-For": "1.1.1.1, 198.51.100.1"}, "198.51.100.1 http"),
        # A chain of trusted proxies is walked past; repeated headers count as one list.
        ("10.0.0.2", "10.0.0.0/8", {"X-Forwarded-For": "1.1.1.1, 198.51.100.1, 10.0.0.9"}, "198.51.100.1 http"),
        # Every hop trusted: the leftmost.
        ("10.0.0.2", "10.0.0.0/8", {"X-Forwarded-For": "10.0.0.3, 10.0.0.4"}, "10.0.0.3 http"),
        # A proxy that passes on garbage: stop at that proxy.
        ("10.0.0.2", "10.0.0.0/8", {"X-Forwarded-For": "1.1.1.1, not-an-address"}, "10.0.0.2 http"),
        # Ports and brackets, IPv6, and IPv4 peers seen through a dual-stack socket.
        ("10.0.0.2", "10.0.0.0/8", {"X-Forwarded-For": "198.51.100.1:5555"}, "198.51.100.1 http"),
        ("::1", "::1", {"X-Forwarded-For": "[2001:db8::1]:443"}, "2001:db8::1 http"),
        ("::ffff:10.0.0.2", "10.0.0.0/8", {"X-Forwarded-For": "198.51.100.1"}, "198.51.100.1 http"),
        # A scheme only from the two it can be.
        (
            "10.0.0.2",
            "10.0.0.0/8",
            {"X-Forwarded-For": "198.51.100.1", "X-Forwarded-Proto": "gopher"},
            "198.51.100.1 http",
        ),
        # No header: nothing to resolve.
        ("10.0.0.2", "10.0.0.0/8", {}, "10.0.0.2 http"),
    ],
)
async def test_the_client_is_the_peer_unless_a_trusted_proxy_says_otherwise(
    peer: str, trusted: str, headers: dict[str, str], expected: str
) -> None:
    assert await seen_as(peer, trusted, headers) == expected


async def test_an_address_a_server_already_took_from_the_header_is_not_believed() -> None:
    # What uvicorn's --proxy-headers leaves behind: the "peer" is an address from the header itself.
    assert await seen_as("198.51.100.1", "", {"X-Forwarded-For": "198.51.100.1"}) == "None http"


@pytest.mark.parametrize(
    ("text", "expected"),
    [("1.2.3.4", "1.2.3.4"), ("1.2.3.4:80", "1.2.3.4"), ("[::1]:80", "::1"), ("::1", "::1"), ("x", None), ("", None)],
)
def test_parse_address(text: str, expected: str | None) -> None:
    address = parse_address(text)
    assert (str(address) if address else None) == expected


# --- the rate limit on a real server -------------------------------------------------------------------------------


def spoofed_logins(server: RunningServer, forwarded_for: list[str]) -> list[int]:
    statuses = []
    for address in forwarded_for:
        answer = request(
            server.port,
            "POST",
            "/v1/auth/token",
            headers={"Content-Type": "application/x-www-form-urlencoded", "X-Forwarded-For": address},
            body="grant_type=password&username=nobody%40example.com&password=wrong-password",
        )
        assert answer is not None
        statuses.append(answer[0])
    return statuses


def distinct_addresses(count: int) -> list[str]:
    return [f"198.51.100.{index + 1}" for index in range(count)]


@pytest.fixture
def limited(tmp_path: Path) -> Iterator[RunningServer]:
    with running_server(tmp_path, AUTH_RATE_LIMIT=f"{AUTH_QUOTA}/minute") as server:
        yield server


def test_a_new_forwarded_address_per_login_does_not_escape_the_quota(limited: RunningServer) -> None:
    statuses = spoofed_logins(limited, distinct_addresses(ATTEMPTS))

    assert statuses[:AUTH_QUOTA] == [REFUSED_LOGIN] * AUTH_QUOTA
    assert statuses[AUTH_QUOTA:] == [429] * (ATTEMPTS - AUTH_QUOTA)


def test_a_bare_uvicorn_with_its_proxy_headers_on_cannot_be_spoofed_either(tmp_path: Path) -> None:
    # uvicorn's defaults: --proxy-headers, trusting X-Forwarded-For from 127.0.0.1.
    command = [sys.executable, "-m", "uvicorn", "--factory", "impl.app:create_app", "--port", "{port}"]
    with running_server(tmp_path, command=command, AUTH_RATE_LIMIT=f"{AUTH_QUOTA}/minute") as server:
        statuses = spoofed_logins(server, distinct_addresses(ATTEMPTS))
        log = server.log()

    assert statuses[:AUTH_QUOTA] == [REFUSED_LOGIN] * AUTH_QUOTA
    assert statuses[AUTH_QUOTA:] == [429] * (ATTEMPTS - AUTH_QUOTA)
    assert "TRUSTED_PROXIES" in log  # the operator is told why


def test_a_trusted_proxys_forwarded_address_is_the_client(tmp_path: Path) -> None:
    with running_server(tmp_path, AUTH_RATE_LIMIT=f"{AUTH_QUOTA}/minute", TRUSTED_PROXIES="127.0.0.1") as server:
        # Each address its own quota: nobody is refused ...
        assert spoofed_logins(server, distinct_addresses(ATTEMPTS)) == [REFUSED_LOGIN] * ATTEMPTS
        # ... and one address still has one.
        repeated = spoofed_logins(server, ["203.0.113.9"] * (AUTH_QUOTA + 2))

    assert repeated == [REFUSED_LOGIN] * AUTH_QUOTA + [429] * 2
