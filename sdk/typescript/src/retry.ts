/**
 * Bounded retries: exponential backoff with jitter, `Retry-After` honoured, and never a duplicated effect.
 *
 * What is retried (at most `maxAttempts` attempts in all):
 * - 429 Too Many Requests, and a connection that could not be opened: the server did nothing, so every request
 *   is sent again (the token endpoint included);
 * - 503 Service Unavailable, and a connection cut before the answer: the server may have acted, so only requests
 *   that are safe to repeat are sent again: GET, PATCH (it sets fields to values), DELETE, and a POST only with an
 *   `Idempotency-Key` header. The client gives every POST except the token endpoint a fresh key per call and keeps
 *   it across that call's retries; a server that supports the header replays the first answer to a repeated key;
 * - 409 with `Retry-After` to a POST with an `Idempotency-Key`: the first attempt with that key is still in flight.
 *
 * The wait is the answer's `Retry-After` when it has one (an answer asking for more than `maxRetryAfterMs` is not
 * retried: its problem is thrown at once), else `initialBackoffMs * 2 ** (attempt - 1)` capped at `maxBackoffMs`
 * and scaled by a random factor in `[1 - jitter, 1]`, so that many clients do not retry in step.
 */
import { ApiConnectionError } from "./problems.js";
import { parseRetryAfter } from "./retry-after.js";

export const IDEMPOTENCY_KEY_HEADER = "Idempotency-Key";

export interface RetryEvent {
  method: string;
  path: string;
  /** The attempt that failed (1 is the first). */
  attempt: number;
  /** Milliseconds until the next attempt. */
  delayMs: number;
  /** The failed attempt's status; undefined when it got no answer. */
  status: number | undefined;
  /** The connection error of the failed attempt, if any. */
  error: unknown;
  idempotencyKey: string | undefined;
}

export interface RetryPolicy {
  /** Attempts in all, the first included (1 turns retries off). Default 3. */
  maxAttempts: number;
  /** Wait before the first retry of an answer without `Retry-After`; doubled for each further retry. Default 500. */
  initialBackoffMs: number;
  /** The longest backoff. Default 8000. */
  maxBackoffMs: number;
  /** Each backoff is scaled by a random factor in `[1 - jitter, 1]`; 0 means none. Default 0.5. */
  jitter: number;
  /** The longest `Retry-After` the client waits for; a longer one throws at once. Default 60000. */
  maxRetryAfterMs: number;
  /** Called before each retry (for metrics or logs). */
  onRetry?: (event: RetryEvent) => void;
}

export const DEFAULT_RETRY_POLICY: Readonly<RetryPolicy> = Object.freeze({
  maxAttempts: 3,
  initialBackoffMs: 500,
  maxBackoffMs: 8000,
  jitter: 0.5,
  maxRetryAfterMs: 60_000,
});

/** `DEFAULT_RETRY_POLICY` with the given fields replaced; throws on nonsense. */
export function retryPolicy(overrides: Partial<RetryPolicy> = {}): RetryPolicy {
  const policy = { ...DEFAULT_RETRY_POLICY, ...overrides };
  if (!Number.isInteger(policy.maxAttempts) || policy.maxAttempts < 1) {
    throw new RangeError("maxAttempts must be an integer of at least 1");
  }
  if (policy.initialBackoffMs < 0 || policy.maxBackoffMs < 0 || policy.maxRetryAfterMs < 0) {
    throw new RangeError("backoff and wait limits must not be negative");
  }
  if (!(policy.jitter >= 0 && policy.jitter <= 1)) {
    throw new RangeError("jitter must be between 0 and 1");
  }
  return policy;
}

// Safe to send twice: the second attempt leaves the same state as the first.
const REPEATABLE_METHODS = new Set(["GET", "HEAD", "OPTIONS", "PUT", "PATCH", "DELETE"]);
// Node's fetch (undici) error codes of a connection that was never opened: the request never reached the server.
const NOT_SENT_CODES = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "UND_ERR_CONNECT_TIMEOUT",
]);

function repeatable(request: Request): boolean {
  return REPEATABLE_METHODS.has(request.method) || request.headers.has(IDEMPOTENCY_KEY_HEADER);
}

/** Milliseconds to wait before sending `request` again after `response`, or undefined to return the answer. */
export function retryDelayAfterResponse(
  policy: RetryPolicy,
  request: Request,
  response: Response,
  attempt: number,
): number | undefined {
  if (attempt >= policy.maxAttempts) {
    return undefined;
  }
  const retryAfter = response.headers.get("Retry-After");
  const retried =
    response.status === 429 ||
    (response.status === 503 && repeatable(request)) ||
    (response.status === 409 && request.headers.has(IDEMPOTENCY_KEY_HEADER) && retryAfter !== null);
  if (!retried) {
    return undefined;
  }
  const wait = parseRetryAfter(retryAfter);
  if (wait === undefined) {
    return backoff(policy, attempt);
  }
  return wait <= policy.maxRetryAfterMs ? wait : undefined;
}

/** Milliseconds to wait before sending `request` again after a failed fetch, or undefined to throw. */
export function retryDelayAfterError(
  policy: RetryPolicy,
  request: Request,
  error: unknown,
  attempt: number,
): number | undefined {
  if (attempt >= policy.maxAttempts || !(error instanceof TypeError)) {
    // fetch rejects with a TypeError when the network fails; anything else (an abort, say) is not retried.
    return undefined;
  }
  if (NOT_SENT_CODES.has(errorCode(error) ?? "") || repeatable(request)) {
    return backoff(policy, attempt);
  }
  return undefined;
}

/** The wait after failed attempt number `attempt` when the server did not say how long. */
export function backoff(policy: RetryPolicy, attempt: number): number {
  const base = Math.min(policy.maxBackoffMs, policy.initialBackoffMs * 2 ** (attempt - 1));
  return base * (1 - policy.jitter * Math.random());
}

function errorCode(error: TypeError): string | undefined {
  const cause = error.cause as { code?: unknown; errors?: { code?: unknown }[] } | undefined;
  // Connecting to a name with several addresses fails with an AggregateError of one error per address.
  const code = cause?.code ?? cause?.errors?.[0]?.code;
  return typeof code === "string" ? code : undefined;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason);
      return;
    }
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    function onAbort(): void {
      clearTimeout(timer);
      reject(signal.reason);
    }
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

/** `fetch` retrying as `policy` says; a connection that fails for good throws `ApiConnectionError`. */
export function retryingFetch(
  fetch: (request: Request) => Promise<Response>,
  policy: RetryPolicy,
): (request: Request) => Promise<Response> {
  return async (request) => {
    for (let attempt = 1; ; attempt++) {
      let delayMs: number | undefined;
      let status: number | undefined;
      let failure: unknown;
      try {
        // Each attempt sends its own copy: a body can be read only once.
        const response = await fetch(request.clone());
        delayMs = retryDelayAfterResponse(policy, request, response, attempt);
        if (delayMs === undefined) {
          return response;
        }
        status = response.status;
        await response.body?.cancel();
      } catch (error) {
        delayMs = retryDelayAfterError(policy, request, error, attempt);
        if (delayMs === undefined) {
          if (error instanceof TypeError) {
            const path = new URL(request.url).pathname;
            const after = attempt > 1 ? ` after ${attempt} attempts` : "";
            throw new ApiConnectionError(`no answer from the API (${request.method} ${path})${after}: ${error.message}`, {
              cause: error,
              attempts: attempt,
            });
          }
          throw error;
        }
        failure = error;
      }
      policy.onRetry?.({
        method: request.method,
        path: new URL(request.url).pathname,
        attempt,
        delayMs,
        status,
        error: failure,
        idempotencyKey: request.headers.get(IDEMPOTENCY_KEY_HEADER) ?? undefined,
      });
      await sleep(delayMs, request.signal);
    }
  };
}
