/**
 * `ContractApi`: one method per operation over the typed openapi-fetch client; answers outside 2xx throw
 * `ApiProblem`, lists iterate every page, tokens renew themselves and failures are retried as `retry.ts` says.
 */
import createClient, { type Client, type Middleware } from "openapi-fetch";

import { Paginator, type Page } from "./pagination.js";
import { ContractApiError, isApiProblem, problemFromResponse } from "./problems.js";
import { IDEMPOTENCY_KEY_HEADER, retryPolicy, retryingFetch, type RetryPolicy } from "./retry.js";
import type { components, operations, paths } from "./schema.js";
import { authenticatingFetch, TokenSession, type Tokens } from "./session.js";

type Schemas = components["schemas"];
export type User = Schemas["User"];
export type Item = Schemas["Item"];
export type Article = Schemas["Article"];
export type TokenResponse = Schemas["TokenResponse"];
export type HealthStatus = Schemas["HealthStatus"];

type Query<Operation extends keyof operations> = NonNullable<operations[Operation]["parameters"]["query"]>;
/** Where a list starts and how many items each request fetches (the API's `limit`, 20 by default). */
export interface PageOptions {
  pageSize?: number;
  cursor?: string;
}
export type ItemListOptions = Omit<Query<"listItems">, "limit" | "cursor"> & PageOptions;
export type ArticleListOptions = Omit<Query<"listArticles">, "limit" | "cursor"> & PageOptions;
export type UserListOptions = Omit<Query<"listUsers">, "limit" | "cursor"> & PageOptions;

/** An `Idempotency-Key` of your own (e.g. an order number); by default each call gets a fresh one. */
export interface CreateOptions {
  idempotencyKey?: string;
}

export type ApiClient = Client<paths>;

/**
 * openapi-fetch sends a JSON body unless the request says otherwise; with this header it form-encodes the body,
 * as OAuth2 token endpoints (RFC 6749) expect. `ContractApi` and `createApiClient` send it by themselves.
 */
export const FORM_URLENCODED = { "Content-Type": "application/x-www-form-urlencoded" } as const;

/** Form-encodes a token request sent as JSON, so `POST /v1/auth/token` works without `FORM_URLENCODED`. */
export const formEncodedTokenRequests: Middleware = {
  async onRequest({ request, schemaPath }) {
    if (schemaPath !== "/v1/auth/token" || request.headers.get("Content-Type") !== "application/json") {
      return undefined;
    }
    const fields = (await request.json()) as Record<string, unknown>;
    const form = new URLSearchParams();
    for (const [name, value] of Object.entries(fields)) {
      if (value !== undefined && value !== null) {
        form.set(name, String(value));
      }
    }
    const headers = new Headers(request.headers);
    headers.set("Content-Type", FORM_URLENCODED["Content-Type"]);
    return new Request(request.url, { method: request.method, headers, body: form.toString(), signal: request.signal });
  },
};

interface Answer<Data> {
  data?: Data;
  error?: unknown;
  response: Response;
}

/** The success body, or the `ApiProblem` for the answer. */
async function expect<Data>(pending: Promise<Answer<Data>>): Promise<Data> {
  const { data, error, response } = await pending;
  if (!response.ok) {
    throw problemFromResponse(response, error);
  }
  if (data === undefined) {
    throw new ContractApiError(`a ${response.status} answer without the body the contract declares`);
  }
  return data;
}

async function expectNoContent(pending: Promise<Answer<unknown>>): Promise<void> {
  const { error, response } = await pending;
  if (!response.ok) {
    throw problemFromResponse(response, error);
  }
}

function keyed(options: CreateOptions | undefined): { [IDEMPOTENCY_KEY_HEADER]: string } {
  return { [IDEMPOTENCY_KEY_HEADER]: options?.idempotencyKey ?? crypto.randomUUID() };
}

function listQuery<Options extends PageOptions>(options: Options, cursor: string | undefined) {
  const { pageSize, cursor: _start, ...filters } = options;
  return { ...filters, limit: pageSize, cursor };
}

/** Registration, login, token refresh and logout. The client renews tokens by itself; `refresh` does it now. */
export class Auth {
  constructor(
    private readonly publicClient: ApiClient,
    private readonly session: TokenSession,
  ) {}

  get tokens(): Tokens {
    return this.session.tokens;
  }

  register(account: Schemas["UserRegister"], options?: CreateOptions): Promise<User> {
    return expect(this.publicClient.POST("/v1/auth/register", { body: account, headers: keyed(options) }));
  }

  /** The password grant; later requests send the access token and renew it. Throws `token_refused`
   * (`oauthError` "invalid_grant") for a wrong email or password. */
  async login(email: string, password: string): Promise<TokenResponse> {
    const issued = await this.grant({ grant_type: "password", username: email, password });
    this.session.store(issued);
    return issued;
  }

  /** The refresh grant, now; the refresh token is rotated (the old one stops working). */
  async refresh(): Promise<TokenResponse> {
    const refreshToken = this.session.refreshToken;
    if (refreshToken === undefined) {
      throw new ContractApiError("no refresh token: log in first");
    }
    const issued = await this.grant({ grant_type: "refresh_token", refresh_token: refreshToken });
    this.session.store(issued);
    return issued;
  }

  /** Revokes the refresh token (and every token of the same login) and forgets tokens and credentials. An access
   * token already issued stays valid until it expires (15 minutes by default). */
  async logout(): Promise<void> {
    const refreshToken = this.session.refreshToken;
    this.session.clear();
    if (refreshToken !== undefined) {
      await expectNoContent(
        this.publicClient.POST("/v1/auth/logout", { body: { refresh_token: refreshToken }, headers: keyed(undefined) }),
      );
    }
  }

  /** New tokens for the session: the refresh grant, else (or when it is refused) a login with the client's
   * credentials. Without either, the session is left without tokens and the server's 401 stands. */
  async renew(): Promise<void> {
    if (this.session.refreshToken !== undefined) {
      try {
        await this.refresh();
        return;
      } catch (error) {
        if (!isApiProblem(error, "token_refused")) {
          throw error;
        }
        this.session.forgetTokens();
      }
    }
    const credentials = this.session.credentials;
    if (credentials !== undefined) {
      await this.login(credentials.email, credentials.password);
    }
  }

  private grant(body: Schemas["TokenRequest"]): Promise<TokenResponse> {
    // No Idempotency-Key: the token endpoint is exempt (OAuth); it is retried only when the server did nothing.
    return expect(this.publicClient.POST("/v1/auth/token", { body, headers: FORM_URLENCODED }));
  }
}

export class Users {
  constructor(
    private readonly client: ApiClient,
    private readonly session: TokenSession,
  ) {}

  me(): Promise<User> {
    return expect(this.client.GET("/v1/users/me"));
  }

  updateMe(changes: Schemas["UserUpdateMe"]): Promise<User> {
    return expect(this.client.PATCH("/v1/users/me", { body: changes }));
  }

  /** Deletes the caller's account with everything it owns; the client forgets its tokens and credentials. */
  async deleteMe(): Promise<void> {
    await expectNoContent(this.client.DELETE("/v1/users/me"));
    this.session.clear();
  }

  /** Every token issued before is revoked. A client given credentials logs in again with the new password; one
   * that logged in with `auth.login` must log in again. */
  async changePassword(change: Schemas["PasswordChange"], options?: CreateOptions): Promise<void> {
    await expectNoContent(this.client.POST("/v1/users/me/password", { body: change, headers: keyed(options) }));
    this.session.forgetTokens();
    if (this.session.credentials !== undefined) {
      this.session.credentials = { email: this.session.credentials.email, password: change.new_password };
    }
  }

  /** Every account, oldest first (superusers only). */
  list(options: UserListOptions = {}): Paginator<User> {
    return new Paginator(
      (cursor) => expect(this.client.GET("/v1/users", { params: { query: listQuery(options, cursor) } })),
      options.cursor,
    );
  }

  get(userId: string): Promise<User> {
    return expect(this.client.GET("/v1/users/{user_id}", { params: { path: { user_id: userId } } }));
  }

  update(userId: string, changes: Schemas["UserUpdateAdmin"]): Promise<User> {
    return expect(this.client.PATCH("/v1/users/{user_id}", { params: { path: { user_id: userId } }, body: changes }));
  }

  delete(userId: string): Promise<void> {
    return expectNoContent(this.client.DELETE("/v1/users/{user_id}", { params: { path: { user_id: userId } } }));
  }
}

/** The caller's private items. Prices are exact decimal strings with two places, e.g. "19.99". */
export class Items {
  constructor(private readonly client: ApiClient) {}

  /** The caller's items, filtered and sorted as asked (newest first by default), page after page. */
  list(options: ItemListOptions = {}): Paginator<Item> {
    return new Paginator(
      (cursor) => expect(this.client.GET("/v1/items", { params: { query: listQuery(options, cursor) } })),
      options.cursor,
    );
  }

  create(item: Schemas["ItemCreate"], options?: CreateOptions): Promise<Item> {
    return expect(this.client.POST("/v1/items", { body: item, headers: keyed(options) }));
  }

  get(itemId: string): Promise<Item> {
    return expect(this.client.GET("/v1/items/{item_id}", { params: { path: { item_id: itemId } } }));
  }

  /** Changes only the fields given; `description: null` clears the description. */
  update(itemId: string, changes: Schemas["ItemUpdate"]): Promise<Item> {
    return expect(this.client.PATCH("/v1/items/{item_id}", { params: { path: { item_id: itemId } }, body: changes }));
  }

  delete(itemId: string): Promise<void> {
    return expectNoContent(this.client.DELETE("/v1/items/{item_id}", { params: { path: { item_id: itemId } } }));
  }
}

/** Articles: published ones are public (no login needed to read them). */
export class Articles {
  constructor(private readonly client: ApiClient) {}

  /** Published articles, newest first, page after page. */
  list(options: ArticleListOptions = {}): Paginator<Article> {
    return new Paginator(
      (cursor) => expect(this.client.GET("/v1/articles", { params: { query: listQuery(options, cursor) } })),
      options.cursor,
    );
  }

  create(article: Schemas["ArticleCreate"], options?: CreateOptions): Promise<Article> {
    return expect(this.client.POST("/v1/articles", { body: article, headers: keyed(options) }));
  }

  get(articleId: string): Promise<Article> {
    return expect(this.client.GET("/v1/articles/{article_id}", { params: { path: { article_id: articleId } } }));
  }

  update(articleId: string, changes: Schemas["ArticleUpdate"]): Promise<Article> {
    const path = { article_id: articleId };
    return expect(this.client.PATCH("/v1/articles/{article_id}", { params: { path }, body: changes }));
  }

  delete(articleId: string): Promise<void> {
    const path = { article_id: articleId };
    return expectNoContent(this.client.DELETE("/v1/articles/{article_id}", { params: { path } }));
  }
}

export class Health {
  constructor(private readonly publicClient: ApiClient) {}

  live(): Promise<HealthStatus> {
    return expect(this.publicClient.GET("/health/live"));
  }

  /** Throws `service_unavailable` while the server's database does not answer. */
  ready(): Promise<HealthStatus> {
    return expect(this.publicClient.GET("/health/ready"));
  }
}

export interface ContractApiOptions {
  /** Where the API is served, e.g. "https://api.example.com". */
  baseUrl: string;
  /** Credentials: the client logs in when first needed, and again whenever its refresh token stops working. */
  email?: string;
  password?: string;
  /** A saved session to resume. */
  accessToken?: string;
  refreshToken?: string;
  /** How 429, 503 and connection failures are retried (by default 3 attempts; see `RetryPolicy`). */
  retry?: Partial<RetryPolicy>;
  /** Access tokens are renewed this long before they expire. Default 60000. */
  refreshMarginMs?: number;
  /** Sent with every request. */
  headers?: Record<string, string>;
  /** The fetch under the retries (default `globalThis.fetch`): proxies, instrumentation, test doubles. */
  fetch?: (request: Request) => Promise<Response>;
  /** The monotonic clock (milliseconds) token expiry is measured on. Default `performance.now`. */
  clock?: () => number;
}

/**
 * The Contract API:
 *
 *     const api = new ContractApi({ baseUrl: "https://api.example.com", email, password });
 *     const item = await api.items.create({ name: "Lamp", price: "19.99" });
 *     for await (const item of api.items.list({ status: "published" })) { ... }
 *
 * `raw` is the typed openapi-fetch client, with the same authentication and retries, for calls this layer does
 * not wrap.
 */
export class ContractApi {
  readonly auth: Auth;
  readonly users: Users;
  readonly items: Items;
  readonly articles: Articles;
  readonly health: Health;
  readonly raw: ApiClient;
  readonly retry: RetryPolicy;

  constructor(options: ContractApiOptions) {
    if ((options.email === undefined) !== (options.password === undefined)) {
      throw new TypeError("give both email and password, or neither");
    }
    this.retry = retryPolicy(options.retry);
    const session = new TokenSession(options.clock ?? (() => performance.now()), options.refreshMarginMs ?? 60_000, {
      ...(options.email !== undefined && options.password !== undefined
        ? { credentials: { email: options.email, password: options.password } }
        : {}),
      ...(options.accessToken !== undefined ? { accessToken: options.accessToken } : {}),
      ...(options.refreshToken !== undefined ? { refreshToken: options.refreshToken } : {}),
    });
    const send = options.fetch ?? ((request: Request) => globalThis.fetch(request));
    const retrying = retryingFetch(send, this.retry);
    const headers = options.headers ?? {};
    const publicClient = createClient<paths>({ baseUrl: options.baseUrl, headers, fetch: retrying });
    this.auth = new Auth(publicClient, session);
    this.raw = createClient<paths>({
      baseUrl: options.baseUrl,
      headers,
      fetch: authenticatingFetch(retrying, session, () => this.auth.renew()),
    });
    this.raw.use(formEncodedTokenRequests);
    this.users = new Users(this.raw, session);
    this.items = new Items(this.raw);
    this.articles = new Articles(this.raw);
    this.health = new Health(publicClient);
  }
}

export { Paginator, type Page };
