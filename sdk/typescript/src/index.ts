/**
 * The Contract API client.
 *
 * `ContractApi` is the one to use: a method per operation, every page of a list, `ApiProblem` errors, tokens
 * renewed by themselves, retries with backoff. Underneath, and exported for calls it does not wrap, is openapi-fetch
 * typed by the `paths` that openapi-typescript generated from openapi.yaml (`./schema.js`, written by `make sdk`):
 *
 *     const api = createApiClient("https://api.example.com", { accessToken });
 *     const { data, error, response } = await api.GET("/v1/items/{item_id}", { params: { path: { item_id } } });
 */
import createClient, { type ClientOptions, type Middleware } from "openapi-fetch";

import { formEncodedTokenRequests, type ApiClient } from "./client.js";
import type { paths } from "./schema.js";

export type { components, operations, paths } from "./schema.js";
export {
  Articles,
  Auth,
  ContractApi,
  FORM_URLENCODED,
  Health,
  Items,
  Paginator,
  Users,
  formEncodedTokenRequests,
  type ApiClient,
  type Article,
  type ArticleListOptions,
  type ContractApiOptions,
  type CreateOptions,
  type HealthStatus,
  type Item,
  type ItemListOptions,
  type Page,
  type PageOptions,
  type TokenResponse,
  type User,
  type UserListOptions,
} from "./client.js";
export {
  ApiConnectionError,
  ApiProblem,
  ContractApiError,
  isApiProblem,
  problemFromResponse,
  type ApiProblemKind,
  type FieldError,
  type OAuthErrorCode,
  type ProblemDocument,
} from "./problems.js";
export {
  DEFAULT_RETRY_POLICY,
  IDEMPOTENCY_KEY_HEADER,
  backoff,
  retryDelayAfterError,
  retryDelayAfterResponse,
  retryPolicy,
  retryingFetch,
  type RetryEvent,
  type RetryPolicy,
} from "./retry.js";
export { parseRetryAfter } from "./retry-after.js";
export type { Credentials, Tokens } from "./session.js";

export interface ApiClientOptions extends Omit<ClientOptions, "baseUrl"> {
  /** Sent as `Authorization: Bearer <accessToken>` with every request. */
  accessToken?: string;
}

export function bearerToken(accessToken: string): Middleware {
  return {
    onRequest({ request }) {
      request.headers.set("Authorization", `Bearer ${accessToken}`);
      return request;
    },
  };
}

/** The low-level typed client for the API served at `baseUrl`: `{ data, error, response }` per call, no retries. */
export function createApiClient(baseUrl: string, options: ApiClientOptions = {}): ApiClient {
  const { accessToken, ...clientOptions } = options;
  const client = createClient<paths>({ ...clientOptions, baseUrl });
  client.use(formEncodedTokenRequests);
  if (accessToken !== undefined) {
    client.use(bearerToken(accessToken));
  }
  return client;
}
