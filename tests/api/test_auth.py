"""registerUser, issueToken (password and refresh_token grants), logout, password change, legacy hashes."""

from __future__ import annotations

import re
from typing import Any

import bcrypt
import httpx

from tests.api.conftest import (
    DEFAULT_PASSWORD,
    Account,
    Database,
    auth_headers,
    login,
    new_account,
    problem,
    register,
    unique_email,
)
from tests.settings import ACCESS_TOKEN_TTL_SECONDS

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
