"""End to end over real HTTP: a uvicorn process started the documented way, on a migrated PostgreSQL database."""

from __future__ import annotations

import uuid

from tests.api.conftest import DEFAULT_PASSWORD, LiveServer, auth_headers, problem


async def test_register_token_and_item_flow(live_server: LiveServer) -> None:
    email = f"e2e-{uuid.uuid4().hex[:12]}@example.com"
    async with live_server.client() as http:
        registered = await http.post(
            "/v1/auth/register", json={"email": email, "password": DEFAULT_PASSWORD, "full_name": "End To End"}
        )
        assert registered.status_code == 201
        user = registered.json()
        assert registered.headers["location"] == f"/v1/users/{user['id']}"

        token = await http.post(
            "/v1/auth/token", data={"grant_type": "password", "username": email, "password": DEFAULT_PASSWORD}
        )
        assert token.status_code == 200
        assert token.headers["cache-control"] == "no-store"
        headers = auth_headers(token.json()["access_token"])

        me = await http.get("/v1/users/me", headers=headers)
        assert me.json() == user

        created = await http.post(
            "/v1/items", json={"name": "Lamp", "price": "1000000.00", "tags": ["e2e"]}, headers=headers
        )
        assert created.status_code == 201
        item = created.json()
        fetched = await http.get(created.headers["location"], headers=headers)
        assert fetched.json() == item
        assert item["price"] == "1000000.00"

        listed = await http.get("/v1/items", headers=headers)
        assert [i["id"] for i in listed.json()["items"]] == [item["id"]]

        assert (await http.delete(f"/v1/items/{item['id']}", headers=headers)).status_code == 204
        assert (await http.get(f"/v1/items/{item['id']}", headers=headers)).status_code == 404

        refreshed = await http.post(
            "/v1/auth/token", data={"grant_type": "refresh_token", "refresh_token": token.json()["refresh_token"]}
        )
        assert refreshed.status_code == 200
        logout = await http.post("/v1/auth/logout", json={"refresh_token": refreshed.json()["refresh_token"]})
        assert logout.status_code == 204


async def test_wrong_method_is_405_with_allow(live_server: LiveServer) -> None:
    async with live_server.client() as http:
        response = await http.put("/v1/items")
        assert response.status_code == 405
        assert response.headers["allow"] == "GET, POST"
        assert problem(response)["status"] == 405
        response = await http.get("/v1/auth/token")
        assert response.status_code == 405
        assert response.headers["allow"] == "POST"


async def test_unknown_path_is_a_404_problem(live_server: LiveServer) -> None:
    async with live_server.client() as http:
        response = await http.get("/v2/nothing-here")
        assert response.status_code == 404
        assert problem(response)["instance"] == "/v2/nothing-here"


async def test_health_and_spec_over_http(live_server: LiveServer) -> None:
    async with live_server.client() as http:
        assert (await http.get("/health/live")).json() == {"status": "ok"}
        assert (await http.get("/health/ready")).json()["status"] == "ok"
        spec = await http.get("/openapi.yaml")
        assert spec.status_code == 200
        assert spec.content.startswith(b"openapi: 3.1.0")
