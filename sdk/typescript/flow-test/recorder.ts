/** A fetch that records every attempt as it goes over the wire (below the client's retries). */
export interface Exchange {
  method: string;
  path: string;
  query: URLSearchParams;
  requestHeaders: Headers;
  requestBody: string;
  status: number | undefined;
  responseHeaders: Headers;
  sentAt: number;
  error: unknown;
}

export class Recorder {
  readonly exchanges: Exchange[] = [];

  readonly fetch = async (request: Request): Promise<Response> => {
    const url = new URL(request.url);
    const base = {
      method: request.method,
      path: url.pathname,
      query: url.searchParams,
      requestHeaders: new Headers(request.headers),
      requestBody: await request.clone().text(),
      sentAt: performance.now(),
    };
    try {
      const response = await globalThis.fetch(request);
      this.exchanges.push({ ...base, status: response.status, responseHeaders: response.headers, error: undefined });
      return response;
    } catch (error) {
      this.exchanges.push({ ...base, status: undefined, responseHeaders: new Headers(), error });
      throw error;
    }
  };

  to(method: string, path: string): Exchange[] {
    return this.exchanges.filter((exchange) => exchange.method === method && exchange.path === path);
  }

  clear(): void {
    this.exchanges.length = 0;
  }
}

/** A monotonic clock the test can move forward, for token expiry without waiting. */
export class Clock {
  private offset = 0;

  readonly now = (): number => performance.now() + this.offset;

  advance(ms: number): void {
    this.offset += ms;
  }
}

export const PASSWORD = "correct horse battery staple";

export function newEmail(): string {
  return `ts-${crypto.randomUUID().slice(0, 12)}@example.com`;
}

export function baseUrl(): string {
  const url = process.env.API_BASE_URL;
  if (!url) {
    throw new Error("API_BASE_URL is not set: run this under `python -m scripts.live_server -- node ...`");
  }
  return url;
}
