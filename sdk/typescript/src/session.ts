/**
 * Access and refresh tokens, kept fresh by the client itself.
 *
 * The authenticating fetch puts the access token on every request and renews it:
 * - before it expires: a request made within `refreshMarginMs` of the expiry (or with no access token yet, when
 *   the client has credentials) renews first;
 * - once on a 401: the request is sent again with the new token; a second 401 is the caller's `unauthorized`.
 *
 * Renewing uses the refresh token (the refresh grant rotates it) and falls back to logging in again when the
 * client has credentials. Only one renewal runs at a time: the refresh token works once, and the server revokes
 * the whole login when a rotated one is presented again, so concurrent requests wait for the one renewal.
 */
import type { components } from "./schema.js";

type TokenResponse = components["schemas"]["TokenResponse"];

/** The client's tokens at one moment. Keep `refreshToken` to resume a session later. */
export interface Tokens {
  accessToken: string | undefined;
  refreshToken: string | undefined;
  /** When the access token expires, on the client's clock (`performance.now()` unless given); undefined if unknown. */
  expiresAt: number | undefined;
}

export interface Credentials {
  email: string;
  password: string;
}

export class TokenSession {
  credentials: Credentials | undefined;
  private current: Tokens;
  private renewAt: number | undefined;

  constructor(
    private readonly clock: () => number,
    private readonly refreshMarginMs: number,
    options: { credentials?: Credentials; accessToken?: string; refreshToken?: string },
  ) {
    this.credentials = options.credentials;
    this.current = { accessToken: options.accessToken, refreshToken: options.refreshToken, expiresAt: undefined };
  }

  get tokens(): Tokens {
    return { ...this.current };
  }

  get accessToken(): string | undefined {
    return this.current.accessToken;
  }

  get refreshToken(): string | undefined {
    return this.current.refreshToken;
  }

  get renewable(): boolean {
    return this.current.refreshToken !== undefined || this.credentials !== undefined;
  }

  /** True when the access token is missing or about to expire. */
  due(): boolean {
    if (this.current.accessToken === undefined) {
      return true;
    }
    return this.renewAt !== undefined && this.clock() >= this.renewAt;
  }

  store(issued: TokenResponse): void {
    const now = this.clock();
    const lifetimeMs = issued.expires_in * 1000;
    // Never renew earlier than halfway through a token's life, however short the server makes it.
    const marginMs = Math.min(this.refreshMarginMs, lifetimeMs / 2);
    this.current = { accessToken: issued.access_token, refreshToken: issued.refresh_token, expiresAt: now + lifetimeMs };
    this.renewAt = now + lifetimeMs - marginMs;
  }

  forgetTokens(): void {
    this.current = { accessToken: undefined, refreshToken: undefined, expiresAt: undefined };
    this.renewAt = undefined;
  }

  /** Forget tokens and credentials (logout). */
  clear(): void {
    this.forgetTokens();
    this.credentials = undefined;
  }
}

function authorized(request: Request, accessToken: string | undefined): Request {
  const copy = request.clone();
  if (accessToken === undefined) {
    copy.headers.delete("Authorization");
  } else {
    copy.headers.set("Authorization", `Bearer ${accessToken}`);
  }
  return copy;
}

/** `fetch` sending the session's access token, renewing it (with `renew`) before expiry and once on a 401. */
export function authenticatingFetch(
  fetch: (request: Request) => Promise<Response>,
  session: TokenSession,
  renew: () => Promise<void>,
): (request: Request) => Promise<Response> {
  let renewal: Promise<void> | undefined;

  async function renewUnlessChanged(seen: string | undefined): Promise<void> {
    // Another request renewed while this one waited: its token is the new one.
    if (session.accessToken !== seen) {
      return;
    }
    renewal ??= renew().finally(() => {
      renewal = undefined;
    });
    await renewal;
  }

  return async (request) => {
    if (session.renewable && session.due()) {
      const current = session.accessToken;
      try {
        await renewUnlessChanged(current);
      } catch (error) {
        // The token has not expired yet (we renew early): use it, and let a 401 say otherwise.
        if (current === undefined) {
          throw error;
        }
      }
    }
    const sent = session.accessToken;
    const response = await fetch(authorized(request, sent));
    if (response.status !== 401 || !session.renewable) {
      return response;
    }
    await renewUnlessChanged(sent);
    const renewed = session.accessToken;
    if (renewed === undefined || renewed === sent) {
      return response;
    }
    await response.body?.cancel();
    return fetch(authorized(request, renewed));
  };
}
