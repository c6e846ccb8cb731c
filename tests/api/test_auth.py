"""registerUser, issueToken (password and refresh_token grants), logout, password change, legacy hashes."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import bcrypt
import httpx
from sqlalchemy import select, update

from impl.db.tables import RefreshTokenRow, UserRow
from tests.api.conftest import (
    DEFAULT_PASSWORD,
    Account,
    Database,
    auth_headers,
    error_fields,
    login,
    new_account,
    problem,
    register,
    unique_email,
)
from tests.settings import ACCESS_TOKEN_TTL_SECONDS, REFRESH_TOKEN_TTL_SECONDS

UUID_RE = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


async def token_request(client: httpx.AsyncClient, **form: str) -> httpx.Response:
    return await client.post("/v1/auth/token", data=form)


async def refresh(client: httpx.AsyncClient, refresh_token: str) -> httpx.Response:
    return await token_request(client, grant_type="refresh_token", refresh_token=refresh_token)


def assert_invalid_grant(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code == 400, response.text
    body = problem(response)
    assert body["error"] == "invalid_grant"
    return body


# --- registration ------------------------------------------------------------------------------------------------


async def test_register_creates_an_active_ordinary_account(client: httpx.AsyncClient) -> None:
    email = unique_email("ada")
    response = await client.post(
        "/v1/auth/register", json={"email": email, "password": DEFAULT_PASSWORD, "full_name": "Ada Lovelace"}
    )
    assert response.status_code == 201
    user = response.json()
    assert UUID_RE.fullmatch(user["id"])
    assert user["email"] == email
    assert user["full_name"] == "Ada Lovelace"
    assert user["is_active"] is True
    assert user["is_superuser"] is False
    assert user["created_at"] == user["updated_at"]
    assert response.headers["location"] == f"/v1/users/{user['id']}"
    assert "password" not in response.text

    me = await client.get("/v1/users/me", headers=auth_headers((await login(client, email))["access_token"]))
    assert me.json() == user


async def test_register_without_full_name_stores_null(client: httpx.AsyncClient) -> None:
    user = await register(client, full_name=None)
    assert user["full_name"] is None


async def test_password_is_stored_only_as_a_salted_hash(client: httpx.AsyncClient, db: Database) -> None:
    first = await register(client)
    second = await register(client)
    first_hash = (await db.user_row(first["email"]))["hashed_password"]
    second_hash = (await db.user_row(second["email"]))["hashed_password"]
    assert DEFAULT_PASSWORD not in first_hash
    assert first_hash.startswith("$argon2id$")
    assert first_hash != second_hash  # same password, different salts


async def test_duplicate_email_in_another_case_is_a_conflict(client: httpx.AsyncClient) -> None:
    local = f"Case-{unique_email().split('@')[0]}"
    await register(client, email=f"{local}@example.com")
    response = await client.post(
        "/v1/auth/register", json={"email": f"{local.upper()}@example.com", "password": DEFAULT_PASSWORD}
    )
    assert response.status_code == 409
    assert problem(response)["title"] == "Conflict"
    # The email works for logging in whatever its case.
    await login(client, f"{local.lower()}@example.com")


# Addresses `format: email` (RFC 5321, ASCII) cannot carry: an answer holding one would break the schema.
INTERNATIONALIZED_EMAILS = ["ü@example.com", "a@exämple.com", "a@xn--exmple-cua.com", "用户@例子.广告"]


async def test_internationalized_emails_are_refused(client: httpx.AsyncClient, user: Account, db: Database) -> None:
    for email in INTERNATIONALIZED_EMAILS:
        response = await client.post("/v1/auth/register", json={"email": email, "password": DEFAULT_PASSWORD})
        assert ("body", "/email") in error_fields(response), email
        response = await client.patch("/v1/users/me", json={"email": email}, headers=user.headers)
        assert ("body", "/email") in error_fields(response), email
    assert await db.count(UserRow) == 1
    assert (await client.get("/v1/users/me", headers=user.headers)).json()["email"] == user.email


async def test_email_is_kept_as_sent_but_its_domain_lower_cased(client: httpx.AsyncClient, db: Database) -> None:
    local = f"Grace.Hopper+{uuid.uuid4().hex[:8]}"
    created = await register(client, email=f"  {local}@Navy.MIL  ")
    # Surrounding white space removed; the domain lower-cased; the part before the @ exactly as sent.
    assert created["email"] == f"{local}@navy.mil"
    stored = await db.user_row(created["email"])
    assert stored["email"] == f"{local}@navy.mil"
    assert stored["email_normalized"] == f"{local.lower()}@navy.mil"
    # Logging in ignores letter case and surrounding white space, and the answer shows the email as stored.
    tokens = await login(client, f" {local.upper()}@navy.mil ")
    me = (await client.get("/v1/users/me", headers=auth_headers(tokens["access_token"]))).json()
    assert me["email"] == f"{local}@navy.mil"
    taken = await client.post(
        "/v1/auth/register", json={"email": f"{local.lower()}@NAVY.mil", "password": DEFAULT_PASSWORD}
    )
    assert taken.status_code == 409


# --- password grant ----------------------------------------------------------------------------------------------


async def test_password_grant_issues_tokens_that_must_not_be_cached(client: httpx.AsyncClient) -> None:
    user = await register(client)
    response = await token_request(client, grant_type="password", username=user["email"], password=DEFAULT_PASSWORD)
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    tokens = response.json()
    assert set(tokens) == {"access_token", "token_type", "expires_in", "refresh_token"}
    assert tokens["token_type"] == "bearer"
    assert tokens["expires_in"] == ACCESS_TOKEN_TTL_SECONDS
    assert tokens["access_token"].count(".") == 2  # a JWT
    assert tokens["refresh_token"]
    me = await client.get("/v1/users/me", headers=auth_headers(tokens["access_token"]))
    assert me.status_code == 200
    assert me.json()["id"] == user["id"]


async def test_password_grant_ignores_compatibility_fields(client: httpx.AsyncClient) -> None:
    user = await register(client)
    response = await token_request(
        client,
        grant_type="password",
        username=user["email"],
        password=DEFAULT_PASSWORD,
        scope="",
        client_id="swagger",
        client_secret="ignored",
    )
    assert response.status_code == 200


async def test_wrong_password_and_unknown_email_get_the_same_answer(client: httpx.AsyncClient) -> None:
    user = await register(client)
    wrong_password = await token_request(
        client, grant_type="password", username=user["email"], password="not the password"
    )
    unknown_email = await token_request(
        client, grant_type="password", username=unique_email("nobody"), password="not the password"
    )
    first = assert_invalid_grant(wrong_password)
    second = assert_invalid_grant(unknown_email)
    first.pop("instance", None)
    second.pop("instance", None)
    assert first == second
    assert wrong_password.headers.get("cache-control") == unknown_email.headers.get("cache-control")


async def test_password_grant_without_password_is_invalid_request(client: httpx.AsyncClient) -> None:
    user = await register(client)
    response = await token_request(client, grant_type="password", username=user["email"])
    assert response.status_code == 400
    assert problem(response)["error"] == "invalid_request"


async def test_refresh_grant_without_token_is_invalid_request(client: httpx.AsyncClient) -> None:
    response = await token_request(client, grant_type="refresh_token")
    assert response.status_code == 400
    assert problem(response)["error"] == "invalid_request"


def assert_token_error(response: httpx.Response, error: str) -> dict[str, Any]:
    assert response.status_code == 400, response.text
    body = problem(response)
    assert body["error"] == error, body
    return body


async def test_unknown_grant_type_is_unsupported_grant_type(client: httpx.AsyncClient) -> None:
    for grant_type in ("client_credentials", "urn:ietf:params:oauth:grant-type:jwt-bearer", "Password"):
        response = await token_request(client, grant_type=grant_type, username="a@example.com", password="x" * 8)
        assert_token_error(response, "unsupported_grant_type")


async def test_missing_grant_type_is_invalid_request(client: httpx.AsyncClient) -> None:
    user = await register(client)
    body = assert_token_error(
        await token_request(client, username=user["email"], password=DEFAULT_PASSWORD), "invalid_request"
    )
    assert "body /grant_type:" in body["detail"]
    # No form at all, or an empty one: the same.
    assert_token_error(await client.post("/v1/auth/token"), "invalid_request")
    assert_token_error(await token_request(client, grant_type=""), "invalid_request")


async def test_unknown_parameters_are_ignored(client: httpx.AsyncClient) -> None:
    """RFC 6749 section 3.2: the authorization server MUST ignore unrecognized request parameters."""
    user = await register(client)
    response = await client.post(
        "/v1/auth/token",
        content=f"grant_type=password&username={user['email']}&password={DEFAULT_PASSWORD}&audience=x&a%00=1",
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert response.status_code == 200, response.text
    tokens = response.json()
    refreshed = await token_request(
        client, grant_type="refresh_token", refresh_token=tokens["refresh_token"], resource="https://api.example.com"
    )
    assert refreshed.status_code == 200, refreshed.text


async def test_repeated_parameters_are_invalid_request(client: httpx.AsyncClient) -> None:
    """RFC 6749 section 3.2: request parameters MUST NOT be included more than once."""
    user = await register(client)
    good = f"username={user['email']}&password={DEFAULT_PASSWORD}"
    for form, repeated in (
        (f"grant_type=password&grant_type=password&{good}", "grant_type"),
        (f"grant_type=password&{good}&password=other+password", "password"),
        (f"grant_type=password&{good}&scope=&scope=", "scope"),
    ):
        response = await client.post(
            "/v1/auth/token", content=form, headers={"content-type": "application/x-www-form-urlencoded"}
        )
        body = assert_token_error(response, "invalid_request")
        assert f"body /{repeated}:" in body["detail"], body


async def test_malformed_parameters_are_invalid_request_naming_the_field(client: httpx.AsyncClient) -> None:
    response = await token_request(client, grant_type="password", username="a" * 255, password=DEFAULT_PASSWORD)
    body = assert_token_error(response, "invalid_request")
    assert "body /username:" in body["detail"]
    assert "errors" not in body  # the 400 carries the OAuth2 error, not the 422's field list


async def test_token_endpoint_refuses_json(client: httpx.AsyncClient) -> None:
    user = await register(client)
    response = await client.post(
        "/v1/auth/token", json={"grant_type": "password", "username": user["email"], "password": DEFAULT_PASSWORD}
    )
    assert response.status_code == 415
    assert problem(response)["detail"] == "The request body must be application/x-www-form-urlencoded (UTF-8)."


# --- refresh_token grant -----------------------------------------------------------------------------------------


async def test_refresh_rotates_the_refresh_token(client: httpx.AsyncClient, user: Account) -> None:
    response = await refresh(client, user.refresh_token)
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    rotated = response.json()
    assert rotated["refresh_token"] != user.refresh_token
    me = await client.get("/v1/users/me", headers=auth_headers(rotated["access_token"]))
    assert me.json()["id"] == user.id

    # The old one stops working ...
    assert_invalid_grant(await refresh(client, user.refresh_token))


async def test_reusing_a_rotated_token_revokes_the_whole_family(client: httpx.AsyncClient, user: Account) -> None:
    other_session = await login(client, user.email)
    second = (await refresh(client, user.refresh_token)).json()
    third = (await refresh(client, second["refresh_token"])).json()

    # Presenting the first (rotated) token again is reuse: refused ...
    assert_invalid_grant(await refresh(client, user.refresh_token))
    # ... and every token descended from the same login stops working, the newest included.
    assert_invalid_grant(await refresh(client, third["refresh_token"]))
    # Another login of the same account is another family and keeps working.
    assert (await refresh(client, other_session["refresh_token"])).status_code == 200


async def test_unknown_refresh_token_is_invalid_grant(client: httpx.AsyncClient) -> None:
    assert_invalid_grant(await refresh(client, "not-a-token-we-issued"))


async def test_an_expired_refresh_token_is_refused(client: httpx.AsyncClient, user: Account, db: Database) -> None:
    await expire_refresh_tokens(db, user)
    assert_invalid_grant(await refresh(client, user.refresh_token))
    # Refused as expired, not treated as reuse: another login of the account keeps working.
    assert (await refresh(client, (await login(client, user.email))["refresh_token"])).status_code == 200


async def test_refresh_tokens_live_their_own_lifetime(client: httpx.AsyncClient, user: Account, db: Database) -> None:
    rotated = (await refresh(client, user.refresh_token)).json()
    async with db.engine.connect() as connection:
        rows = (
            await connection.execute(
                select(RefreshTokenRow.created_at, RefreshTokenRow.expires_at).where(
                    RefreshTokenRow.user_id == uuid.UUID(user.id)
                )
            )
        ).all()
    assert len(rows) == 2  # the login's and the rotation's
    for created_at, expires_at in rows:
        assert expires_at - created_at == timedelta(seconds=REFRESH_TOKEN_TTL_SECONDS)
    # The access token's lifetime is another, shorter one.
    assert rotated["expires_in"] == ACCESS_TOKEN_TTL_SECONDS < REFRESH_TOKEN_TTL_SECONDS


async def usable_refresh_tokens(db: Database, user: Account) -> int:
    return await db.count(
        RefreshTokenRow,
        RefreshTokenRow.user_id == uuid.UUID(user.id),
        RefreshTokenRow.revoked_at.is_(None),
        RefreshTokenRow.rotated_at.is_(None),
    )


async def expire_refresh_tokens(db: Database, user: Account) -> None:
    async with db.engine.begin() as connection:
        await connection.execute(
            update(RefreshTokenRow)
            .where(RefreshTokenRow.user_id == uuid.UUID(user.id))
            .values(expires_at=datetime.now(UTC) - timedelta(seconds=1))
        )


# --- logout ------------------------------------------------------------------------------------------------------


async def test_logout_revokes_the_refresh_token(client: httpx.AsyncClient, user: Account) -> None:
    response = await client.post("/v1/auth/logout", json={"refresh_token": user.refresh_token})
    assert response.status_code == 204
    assert response.content == b""
    assert_invalid_grant(await refresh(client, user.refresh_token))


async def test_logout_revokes_the_tokens_rotated_from_the_same_login(client: httpx.AsyncClient, user: Account) -> None:
    rotated = (await refresh(client, user.refresh_token)).json()
    # Logging out with the old (already rotated) token ends the session, the newest token included.
    assert (await client.post("/v1/auth/logout", json={"refresh_token": user.refresh_token})).status_code == 204
    assert_invalid_grant(await refresh(client, rotated["refresh_token"]))


async def test_logout_ends_only_that_session(client: httpx.AsyncClient, user: Account, db: Database) -> None:
    other_session = await login(client, user.email)
    assert (await client.post("/v1/auth/logout", json={"refresh_token": user.refresh_token})).status_code == 204
    assert_invalid_grant(await refresh(client, user.refresh_token))
    # The account's other login is another family: untouched.
    assert (await refresh(client, other_session["refresh_token"])).status_code == 200
    assert await usable_refresh_tokens(db, user) == 1  # the one that refresh just issued


async def test_logout_answers_204_for_unknown_tokens(client: httpx.AsyncClient) -> None:
    response = await client.post("/v1/auth/logout", json={"refresh_token": "never-issued"})
    assert response.status_code == 204


async def test_logout_twice_is_harmless(client: httpx.AsyncClient, user: Account) -> None:
    for _ in range(2):
        response = await client.post("/v1/auth/logout", json={"refresh_token": user.refresh_token})
        assert response.status_code == 204


# --- inactive accounts -------------------------------------------------------------------------------------------


async def test_inactive_user_can_neither_log_in_nor_use_a_token(
    client: httpx.AsyncClient, user: Account, superuser: Account
) -> None:
    response = await client.patch(f"/v1/users/{user.id}", json={"is_active": False}, headers=superuser.headers)
    assert response.status_code == 200
    assert response.json()["is_active"] is False

    me = await client.get("/v1/users/me", headers=user.headers)
    assert me.status_code == 401
    assert me.headers["www-authenticate"].startswith("Bearer")

    refused = await token_request(client, grant_type="password", username=user.email, password=user.password)
    unknown = await token_request(client, grant_type="password", username=unique_email(), password=user.password)
    first = assert_invalid_grant(refused)
    second = assert_invalid_grant(unknown)
    assert {k: v for k, v in first.items() if k != "instance"} == {k: v for k, v in second.items() if k != "instance"}

    assert_invalid_grant(await refresh(client, user.refresh_token))

    # Reactivated, the account works again.
    await client.patch(f"/v1/users/{user.id}", json={"is_active": True}, headers=superuser.headers)
    await login(client, user.email, user.password)


async def test_reactivation_does_not_bring_back_earlier_tokens(
    client: httpx.AsyncClient, user: Account, superuser: Account, db: Database
) -> None:
    rotated = (await refresh(client, user.refresh_token)).json()
    second_session = await login(client, user.email)
    for is_active in (False, True):
        response = await client.patch(f"/v1/users/{user.id}", json={"is_active": is_active}, headers=superuser.headers)
        assert response.status_code == 200
    # Every token issued before the deactivation stays dead.
    for access_token in (user.access_token, rotated["access_token"], second_session["access_token"]):
        assert (await client.get("/v1/users/me", headers=auth_headers(access_token))).status_code == 401
    for refresh_token in (rotated["refresh_token"], second_session["refresh_token"]):
        assert_invalid_grant(await refresh(client, refresh_token))
    assert await usable_refresh_tokens(db, user) == 0
    # The owner logs in again.
    fresh = await login(client, user.email)
    assert (await client.get("/v1/users/me", headers=auth_headers(fresh["access_token"]))).status_code == 200
    # Changing other fields of an active account ends nothing.
    await client.patch(f"/v1/users/{user.id}", json={"full_name": "Still here"}, headers=superuser.headers)
    assert (await client.get("/v1/users/me", headers=auth_headers(fresh["access_token"]))).status_code == 200
    assert (await refresh(client, fresh["refresh_token"])).status_code == 200


# --- unauthenticated requests ------------------------------------------------------------------------------------


async def test_missing_and_malformed_credentials_are_401_with_a_challenge(client: httpx.AsyncClient) -> None:
    missing = await client.get("/v1/users/me")
    assert missing.status_code == 401
    assert missing.headers["www-authenticate"].startswith("Bearer")
    for header in ("Bearer not-a-jwt", "Basic dXNlcjpwYXNz", "Bearer "):
        response = await client.get("/v1/users/me", headers={"Authorization": header})
        assert response.status_code == 401, header
        assert response.headers["www-authenticate"].startswith("Bearer")


async def test_token_signed_with_another_key_is_refused(client: httpx.AsyncClient, user: Account) -> None:
    header, payload, signature = user.access_token.split(".")
    forged = f"{header}.{payload}.{signature[::-1]}"
    response = await client.get("/v1/users/me", headers=auth_headers(forged))
    assert response.status_code == 401
    assert 'error="invalid_token"' in response.headers["www-authenticate"]


# --- password change ---------------------------------------------------------------------------------------------


async def test_change_password_ends_every_earlier_token(client: httpx.AsyncClient, user: Account) -> None:
    new_password = "a much longer and newer passphrase"
    response = await client.post(
        "/v1/users/me/password",
        json={"current_password": user.password, "new_password": new_password},
        headers=user.headers,
    )
    assert response.status_code == 204
    assert response.content == b""

    assert (await client.get("/v1/users/me", headers=user.headers)).status_code == 401
    assert_invalid_grant(await refresh(client, user.refresh_token))
    assert_invalid_grant(
        await token_request(client, grant_type="password", username=user.email, password=user.password)
    )

    tokens = await login(client, user.email, new_password)
    me = await client.get("/v1/users/me", headers=auth_headers(tokens["access_token"]))
    assert me.status_code == 200
    assert me.json()["id"] == user.id


async def test_change_password_with_wrong_current_password_is_403(client: httpx.AsyncClient, user: Account) -> None:
    response = await client.post(
        "/v1/users/me/password",
        json={"current_password": "not the password", "new_password": "a much longer and newer passphrase"},
        headers=user.headers,
    )
    assert response.status_code == 403
    # Nothing changed: the old password and the old tokens still work.
    assert (await client.get("/v1/users/me", headers=user.headers)).status_code == 200
    await login(client, user.email, user.password)
    assert (await refresh(client, user.refresh_token)).status_code == 200


# --- legacy hashes -----------------------------------------------------------------------------------------------


async def test_bcrypt_hash_logs_in_and_is_upgraded_to_argon2(client: httpx.AsyncClient, db: Database) -> None:
    password = "legacy bcrypt passphrase"
    account = await new_account(client, password="placeholder passphrase")
    legacy_hash = bcrypt.hashpw(password.encode(), bcrypt.gensalt(rounds=4)).decode()
    await db.update_user(account.email, hashed_password=legacy_hash)

    tokens = await login(client, account.email, password)
    assert (await client.get("/v1/users/me", headers=auth_headers(tokens["access_token"]))).status_code == 200

    upgraded = (await db.user_row(account.email))["hashed_password"]
    assert upgraded != legacy_hash
    assert upgraded.startswith("$argon2id$")
    # The upgraded hash is of the same password.
    await login(client, account.email, password)
    refused = await token_request(client, grant_type="password", username=account.email, password="wrong passphrase")
    assert_invalid_grant(refused)


async def test_bcrypt_hash_with_a_wrong_password_is_not_upgraded(client: httpx.AsyncClient, db: Database) -> None:
    account = await new_account(client)
    legacy_hash = bcrypt.hashpw(b"legacy bcrypt passphrase", bcrypt.gensalt(rounds=4)).decode()
    await db.update_user(account.email, hashed_password=legacy_hash)
    refused = await token_request(client, grant_type="password", username=account.email, password="wrong passphrase")
    assert_invalid_grant(refused)
    assert (await db.user_row(account.email))["hashed_password"] == legacy_hash
