/**
 * Retries of the TypeScript SDK: against a live server whose rate limits are low (`make sdk-test` starts it with
 * RATE_LIMIT=3/2 seconds and AUTH_RATE_LIMIT=2/2 seconds), against a port where nothing listens, and the policy's
 * decisions for answers a healthy server does not give on demand (503, a 409 for a key still in flight).
 */
import assert from "node:assert/strict";
import { createServer } from "node:net";
import { test } from "node:test";

import {
  ApiConnectionError,
  ContractApi,
  isApiProblem,
  retryDelayAfterError,
  retryDelayAfterResponse,
  retryPolicy,
  type RetryEvent,
} from "@contract-api/client";

import { PASSWORD, Recorder, baseUrl, newEmail } from "./recorder.js";

const url = baseUrl();
// Patient enough for the throttled server's Retry-After of a second or two.
const PATIENT = { maxAttempts: 2, maxRetryAfterMs: 5000 };

/** A logged-in session made with a client patient enough for any quota. */
async function session(): Promise<{ accessToken: string; refreshToken: string }> {
  const email = newEmail();
  const api = new ContractApi({ baseUrl: url, email, password: PASSWORD, retry: { maxAttempts: 6, maxRetryAfterMs: 5000 } });
  await api.auth.register({ email, password: PASSWORD });
  await api.users.me();
  const { accessToken, refreshToken } = api.auth.tokens;
  assert.ok(accessToken && refreshToken);
  return { accessToken, refreshToken };
}

test("reads over the quota wait for Retry-After and get through", async () => {
  const recorder = new Recorder();
  const events: RetryEvent[] = [];
  const api = new ContractApi({
    baseUrl: url,
    ...(await session()),
    retry: { ...PATIENT, onRetry: (event) => events.push(event) },
    fetch: recorder.fetch,
  });
  for (let n = 0; n < 8; n++) {
    assert.ok((await api.users.me()).email);
  }

  const refusals = recorder.exchanges.filter((exchange) => exchange.status === 429);
  assert.ok(refusals.length > 0, "the quota is low enough that some reads were refused");
  assert.equal(recorder.exchanges.filter((exchange) => exchange.status === 200).length, 8);
  // Each refusal was retried once, after exactly its Retry-After: with two attempts in all, retrying any sooner
  // would have met a second 429 and thrown.
  assert.deepEqual(
    events.map((event) => [event.status, event.delayMs]),
    refusals.map((refusal) => [429, Number(refusal.responseHeaders.get("Retry-After")) * 1000]),
  );
  for (const refusal of refusals) {
    const retry = recorder.exchanges[recorder.exchanges.indexOf(refusal) + 1];
    assert.ok(retry);
    assert.ok(retry.sentAt - refusal.sentAt >= Number(refusal.responseHeaders.get("Retry-After")) * 1000 - 1);
  }
});

test("a POST is retried with one Idempotency-Key and takes effect once", async () => {
  const recorder = new Recorder();
  const api = new ContractApi({ baseUrl: url, ...(await session()), retry: PATIENT, fetch: recorder.fetch });
  const created = [];
  for (let n = 0; n < 6; n++) {
    created.push(await api.items.create({ name: `Lamp ${n}`, price: "19.99" }));
  }
  const mine = await api.items.create({ name: "Keyed", price: "1.00" }, { idempotencyKey: "order-4711" });

  const attempts = new Map<string, (number | undefined)[]>();
  for (const exchange of recorder.to("POST", "/v1/items")) {
    const key = exchange.requestHeaders.get("idempotency-key");
    assert.ok(key);
    attempts.set(key, [...(attempts.get(key) ?? []), exchange.status]);
  }
  assert.equal(attempts.size, 7);
  assert.ok(attempts.has("order-4711"));
  const histories = [...attempts.values()].map((statuses) => statuses.join(","));
  assert.ok(histories.every((history) => history === "201" || history === "429,201"), histories.join(" "));
  assert.ok(histories.includes("429,201"), "some create was refused and retried");

  const listed = await api.items.list({ pageSize: 100 }).toArray();
  assert.deepEqual(
    listed.map((item) => item.id).sort(),
    [...created, mine].map((item) => item.id).sort(),
  );
});

test("login is retried after a 429, without an Idempotency-Key", async () => {
  const email = newEmail();
  await new ContractApi({ baseUrl: url, retry: { maxAttempts: 6, maxRetryAfterMs: 5000 } }).auth.register({
    email,
    password: PASSWORD,
  });
  const recorder = new Recorder();
  const api = new ContractApi({ baseUrl: url, retry: PATIENT, fetch: recorder.fetch });
  for (let n = 0; n < 3; n++) {
    await api.auth.login(email, PASSWORD);
  }
  const logins = recorder.to("POST", "/v1/auth/token");
  assert.ok(logins.some((exchange) => exchange.status === 429));
  assert.equal(logins.filter((exchange) => exchange.status === 200).length, 3);
  assert.ok(logins.every((exchange) => !exchange.requestHeaders.has("idempotency-key")));
});

test("without retries a 429 is a rate_limited problem at once", async () => {
  const recorder = new Recorder();
  const api = new ContractApi({ baseUrl: url, ...(await session()), retry: { maxAttempts: 1 }, fetch: recorder.fetch });
  let limited: unknown;
  for (let n = 0; n < 6 && limited === undefined; n++) {
    await api.users.me().catch((error: unknown) => {
      limited = error;
    });
  }
  assert.ok(isApiProblem(limited, "rate_limited"), String(limited));
  assert.equal(limited.status, 429);
  assert.ok((limited.retryAfterMs ?? 0) >= 1000);
  assert.equal(limited.headers.get("RateLimit-Remaining"), "0");
  assert.equal(recorder.exchanges.at(-1)?.status, 429);
});

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  assert.ok(address && typeof address === "object");
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return address.port;
}

test("a refused connection is retried, then an ApiConnectionError", async () => {
  const recorder = new Recorder();
  const events: RetryEvent[] = [];
  const api = new ContractApi({
    baseUrl: `http://127.0.0.1:${await closedPort()}`,
    retry: { maxAttempts: 3, initialBackoffMs: 10, maxBackoffMs: 20, onRetry: (event) => events.push(event) },
    fetch: recorder.fetch,
  });
  await assert.rejects(api.items.create({ name: "Lamp", price: "19.99" }), (error: unknown) => {
    assert.ok(error instanceof ApiConnectionError);
    assert.equal(error.attempts, 3);
    assert.ok(error.cause instanceof TypeError);
    return true;
  });
  assert.equal(recorder.exchanges.length, 3);
  assert.equal(new Set(recorder.exchanges.map((exchange) => exchange.requestHeaders.get("idempotency-key"))).size, 1);
  assert.deepEqual(
    events.map((event) => [event.attempt, event.status]),
    [
      [1, undefined],
      [2, undefined],
    ],
  );
});

test("which answers and errors the policy retries", () => {
  const policy = retryPolicy({ maxAttempts: 3, initialBackoffMs: 1000, maxBackoffMs: 4000, jitter: 0, maxRetryAfterMs: 30_000 });
  const request = (method: string, key?: string) =>
    new Request("http://api.test/v1/items", { method, headers: key ? { "Idempotency-Key": key } : {} });
  const answer = (status: number, headers: Record<string, string> = {}) => new Response(null, { status, headers });
  const cases: [string, string | undefined, number, Record<string, string>, number | undefined][] = [
    ["GET", undefined, 429, { "Retry-After": "7" }, 7000],
    ["POST", undefined, 429, { "Retry-After": "7" }, 7000],
    ["GET", undefined, 503, {}, 1000],
    ["DELETE", undefined, 503, { "Retry-After": "2" }, 2000],
    ["POST", undefined, 503, {}, undefined],
    ["POST", "k-1", 503, {}, 1000],
    ["POST", "k-1", 409, { "Retry-After": "1" }, 1000],
    ["POST", "k-1", 409, {}, undefined],
    ["GET", undefined, 429, { "Retry-After": "31" }, undefined],
    ["GET", undefined, 500, {}, undefined],
    ["GET", undefined, 404, {}, undefined],
  ];
  for (const [method, key, status, headers, delay] of cases) {
    assert.equal(
      retryDelayAfterResponse(policy, request(method, key), answer(status, headers), 1),
      delay,
      `${method} ${key ?? "-"} ${status}`,
    );
  }
  assert.equal(retryDelayAfterResponse(policy, request("GET"), answer(503), 3), undefined);

  const refused = new TypeError("fetch failed", { cause: Object.assign(new Error("refused"), { code: "ECONNREFUSED" }) });
  const reset = new TypeError("fetch failed", { cause: Object.assign(new Error("reset"), { code: "ECONNRESET" }) });
  assert.equal(retryDelayAfterError(policy, request("POST"), refused, 1), 1000);
  assert.equal(retryDelayAfterError(policy, request("POST"), reset, 1), undefined);
  assert.equal(retryDelayAfterError(policy, request("POST", "k-1"), reset, 1), 1000);
  assert.equal(retryDelayAfterError(policy, request("PATCH"), reset, 2), 2000);
  assert.equal(retryDelayAfterError(policy, request("GET"), new DOMException("aborted", "AbortError"), 1), undefined);
  assert.throws(() => retryPolicy({ maxAttempts: 0 }), RangeError);
});

test("a POST whose answer was lost is replayed, not repeated", async () => {
  const recorder = new Recorder();
  let lost: { status: number; id: string } | undefined;
  // Sends every request to the server, but cuts the connection after the first POST /v1/items was answered: the
  // server acted, the client never heard (what a proxy crash or a network failure does).
  const cutting = async (request: Request): Promise<Response> => {
    const response = await recorder.fetch(request);
    if (lost === undefined && request.method === "POST" && new URL(request.url).pathname === "/v1/items") {
      lost = { status: response.status, id: ((await response.json()) as { id: string }).id };
      throw new TypeError("fetch failed", { cause: { code: "ECONNRESET" } });
    }
    return response;
  };
  const api = new ContractApi({
    baseUrl: url,
    ...(await session()),
    retry: { maxAttempts: 5, maxRetryAfterMs: 5000, initialBackoffMs: 10, maxBackoffMs: 20 },
    fetch: cutting,
  });
  const item = await api.items.create({ name: "Lamp", price: "19.99" });

  assert.ok(lost);
  assert.equal(lost.status, 201);
  const attempts = recorder.to("POST", "/v1/items");
  assert.equal(new Set(attempts.map((exchange) => exchange.requestHeaders.get("idempotency-key"))).size, 1);
  const answered = attempts.filter((exchange) => exchange.status === 201);
  assert.equal(answered.length, 2);
  // The retry got the stored first answer back, not a second item.
  assert.equal(answered[1]?.responseHeaders.get("idempotent-replayed"), "true");
  assert.equal(item.id, lost.id);
  const listed = await api.items.list({ pageSize: 100 }).toArray();
  assert.deepEqual(
    listed.map((found) => found.id),
    [item.id],
  );
});
