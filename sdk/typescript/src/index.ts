/**
 * The Contract API client: openapi-fetch typed by the `paths` that openapi-typescript generated from openapi.yaml
 * (`./schema.js`, written by `make sdk`, never by hand).
 *
 *     const api = createApiClient("https://api.example.com", { accessToken });
 *     const { data, error, response } = await api.GET("/v1/items/{item_id}", { params: { path: { item_id } } });
 *
 * `data` is typed by the operation's success responses and `error` by its error responses (problem documents).
 */
import createClient, { type Client, type ClientOptions, type Middleware } from "openapi-fetch";

import type { components, operations, paths } from "./schema.js";

export type { components, operations, paths };

export type ApiClient = Client<paths>;

export interface ApiClientOptions extends Omit<ClientOptions, "baseUrl"> {
  /** Sent as `Authorization: Bearer <accessToken>` with every request. */
  accessToken?: string;
}

/**
 * openapi-fetch sends a JSON body unless the request says otherwise; with this header it form-encodes the body,
 * as OAuth2 token endpoints (RFC 6749) expect:
 * `api.POST("/v1/auth/token", { body: {...}, headers: FORM_URLENCODED })`.
 */
export const FORM_URLENCODED = { "Content-Type": "application/x-www-form-urlencoded" } as const;

export function bearerToken(accessToken: string): Middleware {
  return {
    onRequest({ request }) {
      request.headers.set("Authorization", `Bearer ${accessToken}`);
      return request;
    },
  };
}

/** A client for the API served at `baseUrl` (for example `https://api.example.com`). */
export function createApiClient(baseUrl: string, options: ApiClientOptions = {}): ApiClient {
  const { accessToken, ...clientOptions } = options;
  const client = createClient<paths>({ ...clientOptions, baseUrl });
  if (accessToken !== undefined) {
    client.use(bearerToken(accessToken));
  }
  return client;
}
