import { setTimeout as sleep } from 'node:timers/promises';
import { backoffDelay } from '../inbox/backoff';
import type { ResolvedClientOptions } from './client-options';
import { NativeMessageApiError } from './nativemessage-api.error';

/** Provides the authentication headers of a call and recovers from a 401. */
export interface ApiAuthenticator {
  /** Headers to send (may log in or refresh first). */
  headers(): Promise<Record<string, string>>;
  /** A call answered 401: drop what is cached; `true` when one more try makes sense. */
  unauthorized(): boolean;
}

/** One call. */
export interface ApiCall {
  readonly method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  readonly path: string;
  readonly query?: Record<string, string | number>;
  readonly body?: unknown;
  /** Whether repeating the call is harmless (retried on 5xx, timeouts and network errors). */
  readonly idempotent: boolean;
  /** Sends no auth headers (login, refresh). */
  readonly anonymous?: boolean;
  /** Extra headers (the refresh token as bearer). */
  readonly headers?: Record<string, string>;
}

/** A successful answer. */
export interface ApiResult {
  readonly status: number;
  readonly body: unknown;
}

const errorText = (body: unknown): string | null => {
  if (body && typeof body === 'object' && 'error' in body) {
    const error = body.error;
    if (typeof error === 'string') return error.slice(0, 500);
  }
  return null;
};

const isConnectRefused = (error: unknown): boolean =>
  error instanceof Error && (error.cause as { code?: string } | undefined)?.code === 'ECONNREFUSED';

/**
 * HTTP to the API over Node's fetch: timeouts, retries with backoff and jitter for idempotent calls,
 * waits for the rate-limit reset on 429, one re-authentication on 401, typed errors.
 */
export class ApiTransport {
  constructor(
    private readonly options: ResolvedClientOptions,
    private authenticator?: ApiAuthenticator,
  ) {}

  /** Sets the authenticator (it needs the transport itself for login and refresh). */
  useAuthenticator(authenticator: ApiAuthenticator): void {
    this.authenticator = authenticator;
  }

  /** Performs a call. @throws NativeMessageApiError */
  async request(call: ApiCall): Promise<ApiResult> {
    const url = new URL(this.options.baseUrl + call.path);
    for (const [k, v] of Object.entries(call.query ?? {})) url.searchParams.set(k, String(v));
    let attempt = 0;
    let reauthenticated = false;
    for (;;) {
      attempt++;
      const headers: Record<string, string> = { accept: 'application/json', ...call.headers };
      if (call.body !== undefined) headers['content-type'] = 'application/json';
      if (!call.anonymous && this.authenticator)
        Object.assign(headers, await this.authenticator.headers());
      let response: Response;
      try {
        response = await fetch(url, {
          method: call.method,
          headers,
          body: call.body === undefined ? undefined : JSON.stringify(call.body),
          signal: AbortSignal.timeout(this.options.timeoutMs),
        });
      } catch (error) {
        // Checked by name, not instanceof: the DOMException may come from another realm.
        const name = (error as { name?: unknown } | null)?.name;
        const timedOut = name === 'TimeoutError' || name === 'AbortError';
        // A refused connection never reached the provider, so even a POST may be tried again.
        const retryable = call.idempotent || isConnectRefused(error);
        if (retryable && attempt < this.options.maxAttempts) {
          await sleep(this.backoff(attempt));
          continue;
        }
        throw new NativeMessageApiError(
          null,
          null,
          call.method,
          call.path,
          timedOut ? 'timeout' : 'network',
          attempt,
        );
      }
      const body = await this.readBody(response);
      if (response.ok) return { status: response.status, body };

      if (
        response.status === 401 &&
        !call.anonymous &&
        !reauthenticated &&
        this.authenticator?.unauthorized()
      ) {
        reauthenticated = true;
        attempt--;
        continue;
      }
      if (response.status === 429 && attempt < this.options.maxAttempts) {
        const wait = this.rateLimitWait(response, attempt);
        if (wait <= this.options.maxRateLimitWaitMs) {
          await sleep(wait);
          continue;
        }
      }
      if (response.status >= 500 && call.idempotent && attempt < this.options.maxAttempts) {
        await sleep(this.backoff(attempt));
        continue;
      }
      throw new NativeMessageApiError(
        response.status,
        errorText(body),
        call.method,
        call.path,
        response.status === 429 ? 'rate-limited' : 'http',
        attempt,
      );
    }
  }

  private backoff(attempt: number): number {
    return backoffDelay(attempt, {
      initialDelayMs: this.options.initialBackoffMs,
      maxDelayMs: this.options.maxBackoffMs,
    });
  }

  /** Until `X-RateLimit-Reset` (unix seconds), or the backoff when the header is missing. */
  private rateLimitWait(response: Response, attempt: number): number {
    const reset = Number(response.headers.get('x-ratelimit-reset'));
    if (!Number.isFinite(reset) || reset <= 0) return this.backoff(attempt);
    return Math.max(0, reset * 1000 - Date.now()) + 50;
  }

  private async readBody(response: Response): Promise<unknown> {
    const text = await response.text();
    if (text === '') return undefined;
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return { error: text.slice(0, 200) };
    }
  }
}
