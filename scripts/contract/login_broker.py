"""Keeps the contract gate's identities logged in while the fuzzer does what it likes with their accounts.

Schemathesis fuzzes every operation with the gate users' own tokens, so sooner or later it changes an account's
password (the spec's example for ``changePassword`` is the seeded password) or email, an admin operation demotes,
promotes, deactivates or deletes it, or ``DELETE /v1/users/me`` deletes it. Stored credentials stop working,
and every later request of the run would be an authentication error rather than a test. Excluding those operations
would leave them unfuzzed.

So the Web Fuzzing Commons auth file does not point schemathesis at the token endpoint directly but at this broker
(``externalEndpointURL``). Before each login the broker puts the identity's account back as the gate made it
(``restore``: its password, active, its role; an email the fuzzer changed is adopted, not fought over), in place,
so the account keeps its id and the items and articles it owns. Only when the account was deleted does it register
a new one through the API. Then it logs in through the API's real token endpoint (password grant) and hands the
token response to schemathesis, which fetches a new token whenever a request answers 401.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx

__all__ = ["LOGIN_PATH_PREFIX", "Account", "LoginBroker", "serve_login_broker"]

LOGIN_PATH_PREFIX = "/login/"
# Bounds the search for a free email for a new account (the fuzzer may have taken the next one).
MAX_REGISTRATION_ATTEMPTS = 20


@dataclass
class Account:
    email: str
    password: str
    # None until the account is registered.
    id: str | None = None
    superuser: bool = False


@dataclass
class LoginBroker:
    """Logs named identities in through the API, restoring or re-creating their accounts first."""

    api_base_url: str
    accounts: dict[str, Account]
    # Puts an existing account back as the gate made it; False when it no longer exists. May change its email.
    restore: Callable[[Account], bool]
    # How many times each identity's account had to be registered anew after the fuzzer deleted it.
    replacements: dict[str, int] = field(default_factory=dict)
    _registrations: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def login(self, name: str) -> dict[str, Any]:
        """The token response of a password grant for ``name``'s account."""
        with self._lock, httpx.Client(base_url=self.api_base_url, timeout=30.0) as http:
            account = self.accounts[name]
            if account.id is None or not self.restore(account):
                if account.id is not None:
                    self.replacements[name] = self.replacements.get(name, 0) + 1
                account = self._register(http, name)
            response = http.post(
                "/v1/auth/token",
                data={"grant_type": "password", "username": account.email, "password": account.password},
            )
            response.raise_for_status()
            token: dict[str, Any] = response.json()
            return token

    def _register(self, http: httpx.Client, name: str) -> Account:
        previous = self.accounts[name]
        for _ in range(MAX_REGISTRATION_ATTEMPTS):
            self._registrations += 1
            email = f"contract-{name}-{self._registrations}@example.com"
            registered = http.post("/v1/auth/register", json={"email": email, "password": previous.password})
            # 409: the fuzzer already gave some account this email; try the next one.
            if registered.status_code == HTTPStatus.CONFLICT:
                continue
            registered.raise_for_status()
            account = Account(email, previous.password, registered.json()["id"], previous.superuser)
            # Registration makes a plain user; restoring gives it its role.
            if not self.restore(account):
                raise RuntimeError(f"the account {email} registered for {name!r} vanished at once")
            self.accounts[name] = account
            return account
        raise RuntimeError(f"no free email for a new {name!r} account after {MAX_REGISTRATION_ATTEMPTS} tries")


def _handler_for(broker: LoginBroker) -> type[BaseHTTPRequestHandler]:
    class LoginHandler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            name = self.path.removeprefix(LOGIN_PATH_PREFIX)
            if not self.path.startswith(LOGIN_PATH_PREFIX) or name not in broker.accounts:
                self._answer(HTTPStatus.NOT_FOUND, {"detail": f"unknown identity {name!r}"})
                return
            try:
                token = broker.login(name)
            except Exception as error:  # any failure must reach schemathesis as a failed login
                # Schemathesis reports a failed login as an authentication error, with this text.
                self._answer(HTTPStatus.BAD_GATEWAY, {"detail": f"logging {name!r} in failed: {error!r}"})
                return
            self._answer(HTTPStatus.OK, token)

        def _answer(self, status: HTTPStatus, body: Mapping[str, Any]) -> None:
            payload = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, format: str, *args: Any) -> None:
            """Quiet: schemathesis' own output says what happened."""

    return LoginHandler


@contextmanager
def serve_login_broker(broker: LoginBroker) -> Iterator[str]:
    """Serve ``broker`` on a free 127.0.0.1 port in a background thread; yields its base URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(broker))
    thread = threading.Thread(target=server.serve_forever, name="login-broker", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
