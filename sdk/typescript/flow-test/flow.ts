/**
 * The TypeScript SDK's `ContractApi` against a live server: `make sdk-test` installs the packed
 * @contract-api/client next to this file, compiles it with `tsc --strict` and runs it under
 * `python -m scripts.live_server`, which sets API_BASE_URL. node's test runner reports each test.
 */
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { test } from "node:test";

import {
  ContractApi,
  createApiClient,
  isApiProblem,
  type ApiProblem,
  type ApiProblemKind,
  type Item,
} from "@contract-api/client";

import { Clock, PASSWORD, Recorder, baseUrl, newEmail } from "./recorder.js";

const url = baseUrl();

/** The problem `action` throws, checked to be of `kind`. */
async function problem<K extends ApiProblemKind>(kind: K, action: () => Promise<unknown>): Promise<ApiProblem<K>> {
  try {
    await action();
  } catch (error) {
    if (isApiProblem(error, kind)) {
      return error;
    }
    throw error;
  }
  assert.fail(`expected a ${kind} problem`);
}

async function registered(): Promise<string> {
  const email = newEmail();
  await new ContractApi({ baseUrl: url }).auth.register({ email, password: PASSWORD });
  return email;
}

function tampered(accessToken: string): string {
  const last = accessToken.at(-2) === "A" ? "B" : "A";
  return accessToken.slice(0, -2) + last + accessToken.slice(-1);
}

test("the package ships a README for this API", async () => {
  const readme = await readFile(new URL("../node_modules/@contract-api/client/README.md", import.meta.url), "utf8");
  for (const walkthrough of [
    "auth.register",
    "auth.login",
    "items.create",
    "for await (const item of",
    'isApiProblem(error, "not_found")',
    "maxAttempts",
    "Retry-After",
    "Idempotency-Key",
    "auth.logout",
  ]) {
    assert.ok(readme.includes(walkthrough), walkthrough);
  }
});

test("register, then the client logs in by itself", async () => {
  const recorder = new Recorder();
  const email = newEmail();
  const api = new ContractApi({ baseUrl: url, email, password: PASSWORD, fetch: recorder.fetch });
  const user = await api.auth.register({ email, password: PASSWORD, full_name: "Ada" });
  assert.deepEqual([user.email, user.full_name, user.is_superuser], [email, "Ada", false]);

  const me = await api.users.me();

  assert.equal(me.id, user.id);
  const logins = recorder.to("POST", "/v1/auth/token");
  assert.equal(logins.length, 1);
  assert.equal(logins[0]?.requestHeaders.get("content-type"), "application/x-www-form-urlencoded");
  assert.equal(new URLSearchParams(logins[0]?.requestBody).get("grant_type"), "password");
  assert.equal(recorder.to("GET", "/v1/users/me")[0]?.requestHeaders.get("authorization"), `Bearer ${api.auth.tokens.accessToken}`);

  const taken = await problem("conflict", () => api.auth.register({ email: email.toUpperCase(), password: PASSWORD }));
  assert.deepEqual([taken.status, taken.title], [409, "Conflict"]);
  assert.ok(taken.detail);
});

test("a wrong password is a token_refused problem", async () => {
  const email = await registered();
  const api = new ContractApi({ baseUrl: url });
  const refused = await problem("token_refused", () => api.auth.login(email, "not the password"));
  assert.deepEqual([refused.status, refused.oauthError, refused.problem.error], [400, "invalid_grant", "invalid_grant"]);
  await api.auth.login(email, PASSWORD);
  assert.equal((await api.users.me()).email, email);
});

test("items: every page, with the filters passed along", async () => {
  const recorder = new Recorder();
  const email = newEmail();
  const api = new ContractApi({ baseUrl: url, email, password: PASSWORD, fetch: recorder.fetch });
  await api.auth.register({ email, password: PASSWORD });
  const created: Item[] = [];
  for (const [index, price] of ["19.90", "120.00", "45.00", "7.25", "0.50", "3.00"].entries()) {
    const status = index === 2 ? "draft" : "published";
    created.push(await api.items.create({ name: `Lamp ${index}`, price, status, tags: ["sdk"] }));
  }
  recorder.clear();

  const listed = await api.items.list({ status: "published", q: "lamp", pageSize: 2 }).toArray();

  const published = created.filter((item) => item.status === "published");
  assert.deepEqual(
    listed.map((item) => item.id),
    published.map((item) => item.id).reverse(),
  );
  const pages = recorder.to("GET", "/v1/items");
  assert.equal(pages.length, 3);
  for (const [index, page] of pages.entries()) {
    assert.deepEqual(
      [page.query.get("status"), page.query.get("q"), page.query.get("limit")],
      ["published", "lamp", "2"],
    );
    assert.equal(page.query.has("cursor"), index > 0);
  }

  const byPrice = [];
  for await (const page of api.items.list({ sort: "price", min_price: "3", pageSize: 4 }).pages()) {
    byPrice.push(page);
  }
  assert.deepEqual(
    byPrice.map((page) => page.items.map((item) => item.price)),
    [["3.00", "7.25", "19.90", "45.00"], ["120.00"]],
  );
  assert.equal(byPrice[1]?.next_cursor, null);

  const seen: string[] = [];
  for await (const item of api.items.list({ pageSize: 4 })) {
    seen.push(item.id);
  }
  assert.equal(seen.length, created.length);
  const first = await api.items.list({ pageSize: 4 }).firstPage();
  const rest = await api.items.list({ pageSize: 4, cursor: first.next_cursor ?? undefined }).firstPage();
  assert.equal(first.items.length + rest.items.length, created.length);
  assert.equal(rest.next_cursor, null);
});

test("items: update sends only the changes; problems are typed", async () => {
  const email = newEmail();
  const api = new ContractApi({ baseUrl: url, email, password: PASSWORD });
  await api.auth.register({ email, password: PASSWORD });
  const lamp = await api.items.create({ name: "Lamp", price: "19.99", description: "Brass.", tags: ["a"] });

  const patched = await api.items.update(lamp.id, { price: "17.50", status: "published" });
  assert.deepEqual(
    [patched.name, patched.description, patched.price, patched.status, patched.tags],
    ["Lamp", "Brass.", "17.50", "published", ["a"]],
  );
  const cleared = await api.items.update(lamp.id, { description: null });
  assert.equal(cleared.description, null);

  const invalid = await problem("validation_failed", () => api.items.create({ name: "Lamp", price: "19.9" }));
  assert.equal(invalid.status, 422);
  assert.deepEqual(
    invalid.errors.map((error) => [error.in, error.field]),
    [["body", "/price"]],
  );

  await api.items.delete(lamp.id);
  const missing = await problem("not_found", () => api.items.get(lamp.id));
  assert.deepEqual(
    [missing.status, missing.title, missing.problem.type, missing.problem.instance],
    [404, "Not Found", "about:blank", `/v1/items/${lamp.id}`],
  );
  assert.ok(missing.detail);
  assert.deepEqual(await api.items.list().toArray(), []);
});

test("articles: drafts are hidden, published ones are read anonymously over pages", async () => {
  const email = newEmail();
  const api = new ContractApi({ baseUrl: url, email, password: PASSWORD });
  await api.auth.register({ email, password: PASSWORD });
  const me = await api.users.me();
  const marker = crypto.randomUUID().slice(0, 8);
  const draft = await api.articles.create({ title: `Draft ${marker}`, body: "Not yet." });
  const posts = [];
  for (const n of [0, 1, 2]) {
    posts.push(await api.articles.create({ title: `Post ${marker} ${n}`, body: "Hello.", published: true }));
  }
  const anonymous = new ContractApi({ baseUrl: url });

  await problem("not_found", () => anonymous.articles.get(draft.id));
  const listed = await anonymous.articles.list({ author_id: me.id, pageSize: 2 }).toArray();
  assert.deepEqual(
    listed.map((article) => article.id),
    posts.map((article) => article.id).reverse(),
  );

  const publishedDraft = await api.articles.update(draft.id, { published: true });
  assert.ok(publishedDraft.published_at);
  assert.equal((await anonymous.articles.get(draft.id)).author.id, me.id);
  await problem("unauthorized", () => anonymous.articles.create({ title: "Nope", body: "Anonymous." }));
  await api.articles.delete(draft.id);
  await problem("not_found", () => api.articles.get(draft.id));
});

test("the access token is renewed before it expires", async () => {
  const recorder = new Recorder();
  const clock = new Clock();
  const email = await registered();
  const api = new ContractApi({ baseUrl: url, fetch: recorder.fetch, clock: clock.now, refreshMarginMs: 60_000 });
  const issued = await api.auth.login(email, PASSWORD);
  recorder.clear();

  clock.advance((issued.expires_in - 50) * 1000);
  assert.equal((await api.users.me()).email, email);

  assert.deepEqual(
    recorder.exchanges.map((exchange) => exchange.path),
    ["/v1/auth/token", "/v1/users/me"],
  );
  const renewal = new URLSearchParams(recorder.exchanges[0]?.requestBody);
  assert.deepEqual([renewal.get("grant_type"), renewal.get("refresh_token")], ["refresh_token", issued.refresh_token]);
  assert.notEqual(api.auth.tokens.refreshToken, issued.refresh_token);
  assert.equal(recorder.exchanges[1]?.requestHeaders.get("authorization"), `Bearer ${api.auth.tokens.accessToken}`);
});

test("a 401 renews once and sends the request again; a second 401 is unauthorized", async () => {
  const email = await registered();
  const issued = await new ContractApi({ baseUrl: url }).auth.login(email, PASSWORD);
  const recorder = new Recorder();
  const resumed = new ContractApi({
    baseUrl: url,
    accessToken: tampered(issued.access_token),
    refreshToken: issued.refresh_token,
    fetch: recorder.fetch,
  });
  assert.equal((await resumed.users.me()).email, email);
  assert.deepEqual(
    recorder.exchanges.map((exchange) => [exchange.path, exchange.status]),
    [
      ["/v1/users/me", 401],
      ["/v1/auth/token", 200],
      ["/v1/users/me", 200],
    ],
  );

  recorder.clear();
  const dead = new ContractApi({
    baseUrl: url,
    accessToken: tampered(issued.access_token),
    refreshToken: "not-a-refresh-token",
    fetch: recorder.fetch,
  });
  await problem("unauthorized", () => dead.items.list().firstPage());
  assert.deepEqual(
    recorder.exchanges.map((exchange) => [exchange.path, exchange.status]),
    [
      ["/v1/items", 401],
      ["/v1/auth/token", 400],
    ],
  );
});

test("concurrent requests share one renewal", async () => {
  const recorder = new Recorder();
  const clock = new Clock();
  const email = await registered();
  const api = new ContractApi({ baseUrl: url, fetch: recorder.fetch, clock: clock.now });
  const issued = await api.auth.login(email, PASSWORD);
  clock.advance(issued.expires_in * 1000);
  recorder.clear();

  const users = await Promise.all(Array.from({ length: 20 }, () => api.users.me()));

  assert.deepEqual(new Set(users.map((user) => user.email)), new Set([email]));
  assert.equal(recorder.to("POST", "/v1/auth/token").length, 1);
});

test("logout revokes the refresh token and forgets the session", async () => {
  const email = await registered();
  const api = new ContractApi({ baseUrl: url, email, password: PASSWORD });
  await api.users.me();
  const refreshToken = api.auth.tokens.refreshToken;
  assert.ok(refreshToken);

  await api.auth.logout();

  assert.deepEqual(api.auth.tokens, { accessToken: undefined, refreshToken: undefined, expiresAt: undefined });
  await problem("unauthorized", () => api.users.me());
  const revoked = await problem("token_refused", () => new ContractApi({ baseUrl: url, refreshToken }).auth.refresh());
  assert.equal(revoked.oauthError, "invalid_grant");
});

test("the low-level client form-encodes the token call by itself", async () => {
  const email = await registered();
  const low = createApiClient(url);
  const { data, error, response } = await low.POST("/v1/auth/token", {
    body: { grant_type: "password", username: email, password: PASSWORD },
  });
  assert.equal(response.status, 200, JSON.stringify(error));
  assert.equal(data?.token_type, "bearer");
});
