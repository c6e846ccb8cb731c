/**
 * The errors the client throws. Every answer outside 2xx becomes an `ApiProblem` whose `kind` names its status,
 * carrying the RFC 9457 problem document the server sent:
 *
 *     try {
 *       await api.items.get(id);
 *     } catch (error) {
 *       if (isApiProblem(error, "not_found")) console.log(error.detail);
 *       else if (isApiProblem(error, "validation_failed")) for (const e of error.errors) console.log(e.field, e.detail);
 *       else throw error;
 *     }
 */
import { parseRetryAfter } from "./retry-after.js";
import type { components } from "./schema.js";

export type FieldError = components["schemas"]["FieldError"];
export type OAuthErrorCode = components["schemas"]["OAuthErrorCode"];

/** A problem document: the declared members, and whatever else the server put in it. */
export type ProblemDocument = components["schemas"]["Problem"] & {
  errors?: FieldError[];
  error?: OAuthErrorCode;
  error_description?: string;
  [member: string]: unknown;
};

/** Which problem, by status; `token_refused` is a 400 from the token endpoint (wrong password, dead token). */
export type ApiProblemKind =
  | "bad_request"
  | "token_refused"
  | "unauthorized"
  | "forbidden"
  | "not_found"
  | "conflict"
  | "content_too_large"
  | "unsupported_media_type"
  | "validation_failed"
  | "rate_limited"
  | "server_error"
  | "service_unavailable"
  | "unexpected_status";

const KIND_BY_STATUS: Readonly<Record<number, ApiProblemKind>> = {
  400: "bad_request",
  401: "unauthorized",
  403: "forbidden",
  404: "not_found",
  409: "conflict",
  413: "content_too_large",
  415: "unsupported_media_type",
  422: "validation_failed",
  429: "rate_limited",
  503: "service_unavailable",
};

/** The base of every error the client throws. */
export class ContractApiError extends Error {
  override name = "ContractApiError";
}

/** No answer: the server could not be reached or the connection failed, after the retries the policy allows. */
export class ApiConnectionError extends ContractApiError {
  override name = "ApiConnectionError";
  readonly attempts: number;

  constructor(message: string, options: { cause: unknown; attempts: number }) {
    super(message, { cause: options.cause });
    this.attempts = options.attempts;
  }
}

/** An answer outside 2xx. `kind` discriminates; `problem` is the whole document. */
export class ApiProblem<K extends ApiProblemKind = ApiProblemKind> extends ContractApiError {
  override name = "ApiProblem";
  readonly kind: K;
  readonly status: number;
  readonly title: string;
  readonly detail: string | undefined;
  /** Each offending field of a 422 (`in`, `field`, `detail`, `type`); empty for other problems. */
  readonly errors: FieldError[];
  readonly problem: ProblemDocument;
  readonly headers: Headers;

  constructor(kind: K, status: number, problem: ProblemDocument, headers: Headers) {
    super(`${status} ${problem.title}${problem.detail ? `: ${problem.detail}` : ""}`);
    this.kind = kind;
    this.status = status;
    this.title = problem.title;
    this.detail = problem.detail;
    this.errors = Array.isArray(problem.errors) ? problem.errors : [];
    this.problem = problem;
    this.headers = headers;
  }

  /** The RFC 6749 error code of a `token_refused` problem (`invalid_grant`, ...). */
  get oauthError(): OAuthErrorCode | undefined {
    return this.problem.error;
  }

  /** Milliseconds the server asked to wait (`Retry-After`), e.g. on `rate_limited`. */
  get retryAfterMs(): number | undefined {
    return parseRetryAfter(this.headers.get("Retry-After"));
  }

  /** The server's id for the request (`X-Request-ID`), to quote when you report a problem. */
  get requestId(): string | undefined {
    return this.headers.get("X-Request-ID") ?? undefined;
  }
}

/** True when `error` is an `ApiProblem` (of the given kind), narrowing its type. */
export function isApiProblem<K extends ApiProblemKind>(error: unknown, kind?: K): error is ApiProblem<K> {
  return error instanceof ApiProblem && (kind === undefined || error.kind === kind);
}

/** The problem for an answer outside 2xx; `body` is what openapi-fetch read (parsed JSON, or the text). */
export function problemFromResponse(response: Response, body: unknown): ApiProblem {
  const problem = asProblemDocument(response, body);
  let kind: ApiProblemKind =
    KIND_BY_STATUS[response.status] ?? (response.status >= 500 ? "server_error" : "unexpected_status");
  if (kind === "bad_request" && typeof problem.error === "string") {
    kind = "token_refused";
  }
  return new ApiProblem(kind, response.status, problem, response.headers);
}

function asProblemDocument(response: Response, body: unknown): ProblemDocument {
  if (typeof body === "object" && body !== null && typeof (body as { title?: unknown }).title === "string") {
    return body as ProblemDocument;
  }
  // A body that is no problem document (a proxy's HTML page, say): one built from the status.
  const text = typeof body === "string" ? body.trim().slice(0, 500) : "";
  return {
    type: "about:blank",
    title: response.statusText || `HTTP ${response.status}`,
    status: response.status,
    ...(text ? { detail: text } : {}),
  };
}
