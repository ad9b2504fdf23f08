/** Default API base of the provider. */
export const DEFAULT_API_BASE_URL = 'https://api-message.nativehub.live/api/v1';

/** Settings of the subscription client (`client` module option). */
export interface NativeMessageClientOptions {
  /**
   * API base URL, up to and including the version.
   * @default 'https://api-message.nativehub.live/api/v1'
   */
  baseUrl?: string;
  /** API key (`X-API-Key: nmk_live_...`). Give exactly one of apiKey, bearerToken, username+password. */
  apiKey?: string;
  /** A static bearer token. */
  bearerToken?: string;
  /** Username for JWT login; tokens are refreshed before they expire. */
  username?: string;
  /** Password for JWT login. */
  password?: string;
  /** Tenant id sent with the login, when your account needs one. */
  tenantId?: string;
  /**
   * How the refresh token is sent to `POST /auth/refresh` (the provider documents both).
   * @default 'header'
   */
  refreshTokenIn?: 'header' | 'body';
  /**
   * Path used to create subscriptions: the API reference's `/webhooks/subscriptions` or the guide's `/webhooks`.
   * @default '/webhooks/subscriptions'
   */
  createPath?: '/webhooks/subscriptions' | '/webhooks';
  /**
   * Timeout of one HTTP attempt, in ms.
   * @default 10000
   */
  timeoutMs?: number;
  /**
   * Attempts per call, the first included (5xx, network errors and timeouts of idempotent calls, 429 of any call).
   * @default 4
   */
  maxAttempts?: number;
  /**
   * First retry delay in ms; doubles per attempt, with jitter.
   * @default 250
   */
  initialBackoffMs?: number;
  /**
   * Largest retry delay, in ms.
   * @default 5000
   */
  maxBackoffMs?: number;
  /**
   * Longest wait for a rate-limit reset (`X-RateLimit-Reset`) before giving up, in ms.
   * @default 60000
   */
  maxRateLimitWaitMs?: number;
  /**
   * Make sure this subscription exists (created or updated) once the app listens.
   * Failures are logged, never fatal.
   */
  ensureOnStart?: EnsureSubscriptionInput;
}

/** Input of `ensure()`: the subscription identified by its URL. */
export interface EnsureSubscriptionInput {
  /** The webhook endpoint, e.g. `https://example.com/webhooks/nativemessage`. */
  url: string;
  /** Event names, e.g. `['dlr', 'mo']`. */
  events: string[];
  /** Signing secret to set on creation (the provider generates one otherwise). */
  secret?: string;
}

/** Client options after validation and defaulting. */
export interface ResolvedClientOptions {
  readonly baseUrl: string;
  readonly auth:
    | { readonly kind: 'apiKey'; readonly apiKey: string }
    | { readonly kind: 'bearer'; readonly token: string }
    | {
        readonly kind: 'password';
        readonly username: string;
        readonly password: string;
        readonly tenantId?: string;
        readonly refreshTokenIn: 'header' | 'body';
      };
  readonly createPath: string;
  readonly timeoutMs: number;
  readonly maxAttempts: number;
  readonly initialBackoffMs: number;
  readonly maxBackoffMs: number;
  readonly maxRateLimitWaitMs: number;
  readonly ensureOnStart?: EnsureSubscriptionInput;
}

const KNOWN = [
  'baseUrl',
  'apiKey',
  'bearerToken',
  'username',
  'password',
  'tenantId',
  'refreshTokenIn',
  'createPath',
  'timeoutMs',
  'maxAttempts',
  'initialBackoffMs',
  'maxBackoffMs',
  'maxRateLimitWaitMs',
  'ensureOnStart',
];

/** Validates client options; pushes problems (never secrets) to `problems`. */
export function resolveClientOptions(
  value: unknown,
  problems: string[],
): ResolvedClientOptions | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    problems.push('client must be an object');
    return undefined;
  }
  const o = value as Record<string, unknown>;
  for (const key of Object.keys(o)) {
    if (!KNOWN.includes(key))
      problems.push(`unknown option "client.${key}" (known: ${KNOWN.join(', ')})`);
  }
  const text = (key: string): string | undefined => {
    const v = o[key];
    if (v === undefined) return undefined;
    if (typeof v !== 'string' || v.length === 0 || v.trim() !== v) {
      problems.push(`client.${key} must be a non-empty string without surrounding whitespace`);
      return undefined;
    }
    return v;
  };
  const int = (key: string, fallback: number): number => {
    const v = o[key];
    if (v === undefined) return fallback;
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v <= 0) {
      problems.push(`client.${key} must be a positive integer`);
      return fallback;
    }
    return v;
  };
  const baseUrl = (text('baseUrl') ?? DEFAULT_API_BASE_URL).replace(/\/+$/, '');
  try {
    const parsed = new URL(baseUrl);
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw new Error();
  } catch {
    problems.push('client.baseUrl must be an http(s) URL');
  }
  const apiKey = text('apiKey');
  const bearerToken = text('bearerToken');
  const username = text('username');
  const password =
    o.password === undefined
      ? undefined
      : typeof o.password === 'string' && o.password
        ? o.password
        : undefined;
  if (o.password !== undefined && password === undefined)
    problems.push('client.password must be a non-empty string');
  const tenantId = text('tenantId');
  const modes = [apiKey, bearerToken, username ?? password].filter((v) => v !== undefined).length;
  if (modes !== 1) {
    problems.push(
      'client needs exactly one way to authenticate: apiKey, bearerToken, or username with password',
    );
  } else if ((username === undefined) !== (password === undefined)) {
    problems.push('client.username and client.password go together');
  }
  const refreshTokenIn = o.refreshTokenIn ?? 'header';
  if (refreshTokenIn !== 'header' && refreshTokenIn !== 'body') {
    problems.push('client.refreshTokenIn must be "header" or "body"');
  }
  const createPath = o.createPath ?? '/webhooks/subscriptions';
  if (createPath !== '/webhooks/subscriptions' && createPath !== '/webhooks') {
    problems.push('client.createPath must be "/webhooks/subscriptions" or "/webhooks"');
  }
  let ensureOnStart: EnsureSubscriptionInput | undefined;
  if (o.ensureOnStart !== undefined) {
    const e = (
      typeof o.ensureOnStart === 'object' && o.ensureOnStart !== null ? o.ensureOnStart : {}
    ) as Record<string, unknown>;
    const events: unknown[] = Array.isArray(e.events) ? (e.events as unknown[]) : [];
    const names = events.filter((x): x is string => typeof x === 'string' && x.length > 0);
    if (typeof e.url !== 'string' || names.length === 0 || names.length !== events.length) {
      problems.push('client.ensureOnStart needs { url: string, events: non-empty string[] }');
    } else {
      ensureOnStart = {
        url: e.url,
        events: names,
        ...(typeof e.secret === 'string' && e.secret ? { secret: e.secret } : {}),
      };
    }
  }
  const auth: ResolvedClientOptions['auth'] = apiKey
    ? { kind: 'apiKey', apiKey }
    : bearerToken
      ? { kind: 'bearer', token: bearerToken }
      : {
          kind: 'password',
          username: username ?? '',
          password: password ?? '',
          tenantId,
          refreshTokenIn: refreshTokenIn === 'body' ? 'body' : 'header',
        };
  return {
    baseUrl,
    auth,
    createPath: createPath === '/webhooks' ? '/webhooks' : '/webhooks/subscriptions',
    timeoutMs: int('timeoutMs', 10_000),
    maxAttempts: int('maxAttempts', 4),
    initialBackoffMs: int('initialBackoffMs', 250),
    maxBackoffMs: int('maxBackoffMs', 5000),
    maxRateLimitWaitMs: int('maxRateLimitWaitMs', 60_000),
    ensureOnStart,
  };
}
