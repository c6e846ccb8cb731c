"""Who the client is: the TCP peer, or what a trusted reverse proxy says in X-Forwarded-For.

The rate limits count per client address, so that address must not be something a client can simply claim. The app
decides it here, whatever server runs it: forwarded headers are believed only from the proxies in TRUSTED_PROXIES
(none by default), and the server's own proxy-header handling stays off (scripts/serve.py).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network, ip_address

from starlette.types import ASGIApp, Receive, Scope, Send

__all__ = ["TrustedProxyHeaders", "parse_address"]

logger = logging.getLogger(__name__)

Address = IPv4Address | IPv6Address
Network = IPv4Network | IPv6Network
_WEBSOCKET_SCHEME = {"http": "ws", "https": "wss"}


def parse_address(text: str) -> Address | None:
    """An address from a peer or an X-Forwarded-For entry (`1.2.3.4`, `1.2.3.4:80`, `::1`, `[::1]:80`), else None."""
    text = text.strip()
    if text.startswith("["):
        text = text[1 : text.find("]")] if "]" in text else ""
    elif text.count(":") == 1:  # IPv4 with a port; an IPv6 address has at least two colons
        text = text.split(":", 1)[0]
    try:
        address = ip_address(text)
    except ValueError:
        return None
    # A dual-stack socket reports IPv4 peers as ::ffff:a.b.c.d: the same client as a.b.c.d.
    if isinstance(address, IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


class TrustedProxyHeaders:
    """ASGI middleware setting ``scope["client"]`` (and ``scope["scheme"]``) from a trusted proxy's headers.

    When the peer is a trusted proxy, X-Forwarded-For is read from the right (the entry the nearest proxy added)
    past every trusted proxy; the first address that is not one is the client. Entries a client wrote itself sit
    further left and are never reached unless every hop to their right is a trusted proxy. Anything else leaves the
    peer as the client.
    """

    def __init__(self, app: ASGIApp, trusted_proxies: Sequence[Network] = ()) -> None:
        self.app = app
        self.trusted_proxies = tuple(trusted_proxies)
        self._warned = False

    def is_trusted(self, address: Address | None) -> bool:
        return address is not None and any(address in network for network in self.trusted_proxies)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in ("http", "websocket"):
            scope = self._resolve(scope)
        await self.app(scope, receive, send)

    def _resolve(self, scope: Scope) -> Scope:
        forwarded_for: list[str] = []
        forwarded_proto: str | None = None
        for name, value in scope["headers"]:
            if name == b"x-forwarded-for":
                forwarded_for.extend(value.decode("latin-1").split(","))
            elif name == b"x-forwarded-proto":
                forwarded_proto = value.decode("latin-1").split(",")[-1].strip().lower()
        client = scope.get("client")
        if not forwarded_for or not client:
            return scope
        peer = parse_address(str(client[0]))
        if not self.is_trusted(peer):
            entries = {parse_address(entry) for entry in forwarded_for}
            if peer is not None and peer in entries:
                # The peer is one of the forwarded addresses: the server already took the client from the header
                # (uvicorn's --proxy-headers trusts 127.0.0.1 by default), so the real peer is unknown. Count such
                # requests together rather than believe an address anyone can write.
                self._warn_once()
                return {**scope, "client": None}
            return scope
        resolved = peer
        for entry in reversed(forwarded_for):
            address = parse_address(entry)
            if address is None:
                break  # a trusted proxy passed on something that is not an address: stop at that proxy
            resolved = address
            if not self.is_trusted(address):
                break
        resolved_scope = {**scope, "client": (str(resolved), 0)}
        if forwarded_proto in ("http", "https"):
            websocket = scope["type"] == "websocket"
            resolved_scope["scheme"] = _WEBSOCKET_SCHEME[forwarded_proto] if websocket else forwarded_proto
        return resolved_scope

    def _warn_once(self) -> None:
        if not self._warned:
            self._warned = True
            logger.warning(
                "the server replaced the client address with one from X-Forwarded-For; it is not believed. Serve "
                "with `python -m scripts.serve` (or uvicorn --no-proxy-headers) and list proxies in TRUSTED_PROXIES"
            )
