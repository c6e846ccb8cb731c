/**
 * The TypeScript SDK against a live server: `make sdk-test` installs the packed @contract-api/client next to this
 * file, compiles it with `tsc --strict` and runs it with node under `python -m scripts.live_server`, which sets
 * API_BASE_URL. Any failed assertion throws, and node exits non-zero.
 */
import assert from "node:assert/strict";

import { FORM_URLENCODED, createApiClient, type components } from "@contract-api/client";

type Item = components["schemas"]["Item"];

const baseUrl = process.env.API_BASE_URL;
assert.ok(baseUrl, "API_BASE_URL is not set: run this under `python -m scripts.live_server -- node ...`");

const PROBLEM_JSON = "application/problem+json";
const email = "ts-sdk-flow@example.com";
const password = "correct horse battery staple";
const anonymous = createApiClient(baseUrl);

function step(name: string): void {
  console.log(`ok - ${name}`);
}

// Register, then the password grant (a form body, as OAuth2 wants).
const registered = await anonymous.POST("/v1/auth/register", {
  body: { email, password, full_name: "TS Flow" },
});
assert.equal(registered.response.status, 201, JSON.stringify(registered.error));
assert.ok(registered.data);
const user = registered.data;
assert.equal(user.email, email);
assert.equal(user.is_superuser, false);
step("register");

const login = await anonymous.POST("/v1/auth/token", {
  body: { grant_type: "password", username: email, password },
  headers: FORM_URLENCODED,
});
assert.equal(login.response.status, 200, JSON.stringify(login.error));
assert.ok(login.data);
const tokens = login.data;
assert.equal(tokens.token_type, "bearer");
const api = createApiClient(baseUrl, { accessToken: tokens.access_token });
const me = await api.GET("/v1/users/me");
assert.equal(me.data?.id, user.id);
step("password grant");

// Items: three created, listed two per page, one patched, one deleted.
const created: Item[] = [];
for (const [name, price] of [
  ["Lamp", "19.99"],
  ["Desk", "120.00"],
  ["Chair", "45.50"],
] as const) {
  const response = await api.POST("/v1/items", { body: { name, price, tags: ["sdk"] } });
  assert.equal(response.response.status, 201, JSON.stringify(response.error));
  assert.ok(response.data);
  assert.equal(response.data.name, name);
  assert.equal(response.data.price, price);
  assert.equal(response.data.owner_id, user.id);
  created.push(response.data);
}
step("create three items");

const first = await api.GET("/v1/items", { params: { query: { limit: 2 } } });
assert.ok(first.data, JSON.stringify(first.error));
const cursor = first.data.next_cursor;
assert.ok(cursor, "a first page of 2 out of 3 items has a next_cursor");
const second = await api.GET("/v1/items", { params: { query: { limit: 2, cursor } } });
assert.ok(second.data, JSON.stringify(second.error));
assert.equal(second.data.next_cursor, null);
// Newest first by default: the two pages together are the three items in reverse order of creation.
assert.deepEqual(
  [...first.data.items, ...second.data.items].map((item) => item.id),
  created.map((item) => item.id).reverse(),
);
step("list two pages");

const [lamp, desk] = created;
assert.ok(lamp && desk);
const patched = await api.PATCH("/v1/items/{item_id}", {
  params: { path: { item_id: lamp.id } },
  body: { price: "17.50", status: "published" },
});
assert.ok(patched.data, JSON.stringify(patched.error));
assert.deepEqual(
  [patched.data.id, patched.data.name, patched.data.price, patched.data.status],
  [lamp.id, "Lamp", "17.50", "published"],
);
step("patch an item");

const deleted = await api.DELETE("/v1/items/{item_id}", { params: { path: { item_id: desk.id } } });
assert.equal(deleted.response.status, 204);
const missing = await api.GET("/v1/items/{item_id}", { params: { path: { item_id: desk.id } } });
assert.equal(missing.response.status, 404);
assert.equal(missing.data, undefined);
assert.ok(missing.error);
assert.equal(missing.response.headers.get("content-type"), PROBLEM_JSON);
assert.equal(missing.error.status, 404);
assert.equal(missing.error.title, "Not Found");
assert.equal(typeof missing.error.type, "string");
assert.ok(missing.error.detail);
step("delete an item; reading it again is a 404 problem");

// A price with one decimal place breaks the contract: a 422 problem naming the field.
const invalid = await api.POST("/v1/items", { body: { name: "Lamp", price: "19.9" } });
assert.equal(invalid.response.status, 422);
assert.ok(invalid.error);
assert.equal(invalid.response.headers.get("content-type"), PROBLEM_JSON);
assert.ok("errors" in invalid.error, "a 422 is a validation problem with errors[]");
assert.equal(invalid.error.status, 422);
assert.deepEqual(
  invalid.error.errors.map((error) => [error.in, error.field]),
  [["body", "/price"]],
);
step("invalid price is a 422 validation problem");

// Articles: a draft is hidden from anonymous readers until it is published.
const title = "Written through the TypeScript SDK";
const draft = await api.POST("/v1/articles", { body: { title, body: "Hello from openapi-fetch." } });
assert.equal(draft.response.status, 201, JSON.stringify(draft.error));
assert.ok(draft.data);
const articleId = draft.data.id;
assert.equal(draft.data.published_at, null);
const hidden = await anonymous.GET("/v1/articles/{article_id}", { params: { path: { article_id: articleId } } });
assert.equal(hidden.response.status, 404);
assert.equal(hidden.error?.status, 404);
const published = await api.PATCH("/v1/articles/{article_id}", {
  params: { path: { article_id: articleId } },
  body: { published: true },
});
assert.ok(published.data, JSON.stringify(published.error));
assert.ok(published.data.published_at);
const read = await anonymous.GET("/v1/articles/{article_id}", { params: { path: { article_id: articleId } } });
assert.ok(read.data, JSON.stringify(read.error));
assert.deepEqual(
  [read.data.id, read.data.title, read.data.published, read.data.author.id],
  [articleId, title, true, user.id],
);
const listed = await anonymous.GET("/v1/articles", { params: { query: { q: title } } });
assert.deepEqual(
  listed.data?.items.map((article) => article.id),
  [articleId],
);
step("publish an article and read it anonymously");

// The refresh grant rotates the refresh token: the new tokens work, the old refresh token does not.
const refresh = { grant_type: "refresh_token", refresh_token: tokens.refresh_token } as const;
const renewed = await anonymous.POST("/v1/auth/token", { body: refresh, headers: FORM_URLENCODED });
assert.ok(renewed.data, JSON.stringify(renewed.error));
assert.notEqual(renewed.data.refresh_token, tokens.refresh_token);
const renewedMe = await createApiClient(baseUrl, { accessToken: renewed.data.access_token }).GET("/v1/users/me");
assert.equal(renewedMe.data?.id, user.id);
const reused = await anonymous.POST("/v1/auth/token", { body: refresh, headers: FORM_URLENCODED });
assert.equal(reused.response.status, 400);
assert.ok(reused.error && "error" in reused.error);
assert.equal(reused.error.error, "invalid_grant");
step("refresh grant rotates the refresh token");

console.log("TypeScript SDK flow: all steps passed");
