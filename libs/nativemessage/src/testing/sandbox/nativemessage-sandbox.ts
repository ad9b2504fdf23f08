import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SandboxDeliveries, SandboxDeliveryAttempt } from './sandbox-deliveries';
import { SandboxTokens } from './sandbox-tokens';

/** Settings of {@link NativeMessageSandbox}. */
export interface NativeMessageSandboxOptions {
  /** Port on 127.0.0.1. @default 0 (any free port) */
  port?: number;
  /** Accepted API keys. @default ['nmk_test_sandbox'] */
  apiKeys?: string[];
  /** Accepted logins. @default [{ username: 'sandbox', password: 'sandbox' }] */
  users?: { username: string; password: string; tenantId?: string }[];
  /** Access-token lifetime, in ms. @default 900000 (15 min, as documented) */
  accessTokenTtlMs?: number;
  /** Refresh-token lifetime, in ms. @default 7 days */
  refreshTokenTtlMs?: number;
  /** Requests per window per tenant or key. @default { limit: 200, windowMs: 60000 } */
  rateLimit?: { limit: number; windowMs: number };
  /** Subscription id format. @default 'wh_sub' */
  idFormat?: 'wh_sub' | 'uuid';
  /** Shape of list answers. @default 'envelope' ({ data, total, page, per_page }) */
  listShape?: 'envelope' | 'array';
  /** Status of a successful create. @default 201 */
  createStatus?: 200 | 201;
  /** Delays between delivery attempts, in ms. @default [60000, 300000, 900000, 3600000, 21600000] */
  retryScheduleMs?: number[];
  /** Factor applied to the retry schedule (0.001 turns 1 min into 60 ms). @default 1 */
  retryScale?: number;
  /** Deadline of one delivery attempt, in ms. @default 5000 */
  deliveryTimeoutMs?: number;
}

/** A subscription as the sandbox keeps it. */
export interface SandboxSubscription {
  id: string;
  url: string;
  events: string[];
  status: string;
  secret: string;
  tenantId: string;
  createdAt: string;
}

/** One API request the sandbox answered. */
export interface SandboxRequestLog {
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly auth: 'api-key' | 'bearer' | 'none';
}

type Handler = (
  req: IncomingMessage,
  body: unknown,
  params: string[],
  principal: string,
) => [number, unknown];

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

/**
 * A local stand-in for the NativeMessage API on a loopback port: subscriptions, API-key and JWT
 * authentication with refresh, rate limiting, and signed webhook delivery with the provider's retry
 * schedule (scalable), recording every attempt. For tests and manual trials; never exposed beyond
 * 127.0.0.1.
 */
export class NativeMessageSandbox {
  /** Subscriptions by id. */
  readonly subscriptions = new Map<string, SandboxSubscription>();
  /** Every API request answered, in order. */
  readonly requests: SandboxRequestLog[] = [];
  private readonly tokens: SandboxTokens;
  private readonly deliveries: SandboxDeliveries;
  private readonly faults: { status: number; delayMs: number; path?: RegExp }[] = [];
  private readonly windows = new Map<string, { start: number; count: number }>();
  private readonly settings: Required<NativeMessageSandboxOptions>;

  private constructor(
    private readonly server: Server,
    options: NativeMessageSandboxOptions,
  ) {
    this.settings = {
      port: 0,
      apiKeys: ['nmk_test_sandbox'],
      users: [{ username: 'sandbox', password: 'sandbox' }],
      accessTokenTtlMs: 15 * 60 * 1000,
      refreshTokenTtlMs: 7 * 24 * 3600 * 1000,
      rateLimit: { limit: 200, windowMs: 60_000 },
      idFormat: 'wh_sub',
      listShape: 'envelope',
      createStatus: 201,
      retryScheduleMs: [60_000, 300_000, 900_000, 3_600_000, 21_600_000],
      retryScale: 1,
      deliveryTimeoutMs: 5000,
      ...options,
    };
    this.tokens = new SandboxTokens(
      this.settings.accessTokenTtlMs,
      this.settings.refreshTokenTtlMs,
    );
    this.deliveries = new SandboxDeliveries(
      this.settings.retryScheduleMs,
      this.settings.retryScale,
      this.settings.deliveryTimeoutMs,
    );
  }

  /** Starts a sandbox on 127.0.0.1. */
  static async start(options: NativeMessageSandboxOptions = {}): Promise<NativeMessageSandbox> {
    const holder: { sandbox?: NativeMessageSandbox } = {};
    const server = createServer((req, res) => void holder.sandbox?.handle(req, res));
    const sandbox = new NativeMessageSandbox(server, options);
    holder.sandbox = sandbox;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
    });
    return sandbox;
  }

  /** `http://127.0.0.1:<port>`. */
  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** The API base URL to give the client: `<url>/api/v1`. */
  get apiBaseUrl(): string {
    return `${this.url}/api/v1`;
  }

  /** Every delivery attempt so far. */
  get deliveryAttempts(): readonly SandboxDeliveryAttempt[] {
    return this.deliveries.attempts;
  }

  /** The next `count` API requests (optionally only those whose path matches) fail with `status`. */
  failNext(count: number, status = 500, path?: RegExp): void {
    for (let i = 0; i < count; i++) this.faults.push({ status, delayMs: 0, path });
  }

  /** The next `count` API requests wait `delayMs` before being answered (to provoke timeouts). */
  delayNext(count: number, delayMs: number, path?: RegExp): void {
    for (let i = 0; i < count; i++) this.faults.push({ status: 0, delayMs, path });
  }

  /** Forgets every refresh token, as a revocation would. */
  revokeRefreshTokens(): void {
    this.tokens.revokeRefreshTokens();
  }

  /** Delivers a delivery report to every active subscription of `dlr`; returns the delivery ids. */
  sendDlr(payload: Record<string, unknown>): string[] {
    return this.broadcast({ event: 'dlr', ...payload });
  }

  /** Delivers an inbound message to every active subscription of `mo`; returns the delivery ids. */
  sendMo(payload: Record<string, unknown>): string[] {
    return this.broadcast({ event: 'mo', ...payload });
  }

  /** Resolves once every delivery succeeded or used up its retries. */
  deliveriesSettled(): Promise<void> {
    return this.deliveries.settled();
  }

  /** Stops the server and every pending retry. */
  async close(): Promise<void> {
    this.deliveries.close();
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private broadcast(payload: Record<string, unknown>): string[] {
    const event = String(payload.event);
    return [...this.subscriptions.values()]
      .filter((s) => s.status === 'active' && (s.events.includes(event) || s.events.includes('*')))
      .map((s) => this.deliveries.start(s, payload));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://sandbox');
    const path = url.pathname.replace(/^\/api\/v1/, '');
    let status = 500;
    let body: unknown;
    let auth: SandboxRequestLog['auth'] = 'none';
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    try {
      const raw = await readBody(req);
      const fault = this.takeFault(path);
      if (fault?.delayMs) await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
      if (fault?.status) throw new HttpError(fault.status, 'injected failure');
      const route = this.route(req.method ?? 'GET', path);
      if (!route) throw new HttpError(404, 'not found');
      let principal = 'anonymous';
      if (!route.anonymous) {
        const who = this.authenticate(req);
        auth = who.kind;
        principal = who.principal;
        Object.assign(headers, this.rateLimit(principal));
      }
      [status, body] = route.handler(req, raw, route.params, principal, url);
    } catch (error) {
      status = error instanceof HttpError ? error.status : 500;
      body = { error: error instanceof Error ? error.message : 'internal error' };
      if (error instanceof HttpError) Object.assign(headers, error.headers);
    }
    this.requests.push({ method: req.method ?? 'GET', path, status, auth });
    res.writeHead(status, headers);
    res.end(body === undefined ? '' : JSON.stringify(body));
  }

  private takeFault(path: string) {
    const i = this.faults.findIndex((f) => !f.path || f.path.test(path));
    return i === -1 ? undefined : this.faults.splice(i, 1)[0];
  }

  private authenticate(req: IncomingMessage): { kind: 'api-key' | 'bearer'; principal: string } {
    const key = req.headers['x-api-key'];
    if (typeof key === 'string') {
      if (!this.settings.apiKeys.includes(key)) throw new HttpError(401, 'invalid api key');
      return { kind: 'api-key', principal: `key:${key}` };
    }
    const header = req.headers.authorization;
    const token =
      typeof header === 'string' && header.startsWith('Bearer ') ? header.slice(7) : null;
    const claims = token ? this.tokens.verifyAccess(token) : null;
    if (!claims)
      throw new HttpError(401, token ? 'token expired or invalid' : 'missing credentials');
    return { kind: 'bearer', principal: `tenant:${claims.tenant}` };
  }

  private rateLimit(principal: string): Record<string, string> {
    const now = Date.now();
    let window = this.windows.get(principal);
    if (!window || now - window.start >= this.settings.rateLimit.windowMs) {
      window = { start: now, count: 0 };
      this.windows.set(principal, window);
    }
    window.count++;
    if (window.count > this.settings.rateLimit.limit) {
      throw new HttpError(429, 'rate limit exceeded', this.rateHeaders(window));
    }
    return this.rateHeaders(window);
  }

  private rateHeaders(window: { start: number; count: number }): Record<string, string> {
    const { limit, windowMs } = this.settings.rateLimit;
    return {
      'x-ratelimit-limit': String(limit),
      'x-ratelimit-remaining': String(Math.max(0, limit - window.count)),
      'x-ratelimit-reset': String(Math.ceil((window.start + windowMs) / 1000)),
    };
  }

  private route(method: string, path: string) {
    const table: [string, RegExp, Handler, boolean?][] = [
      ['POST', /^\/auth\/login$/, (_r, b) => this.login(b), true],
      ['POST', /^\/auth\/refresh$/, (r, b) => this.refresh(r, b), true],
      ['POST', /^\/webhooks(?:\/subscriptions)?$/, (_r, b, _p, who) => this.create(b, who)],
      ['GET', /^\/webhooks\/subscriptions$/, (r, _b, _p, who) => this.list(r, who)],
      [
        'GET',
        /^\/webhooks\/subscriptions\/([^/]+)$/,
        (_r, _b, [id], who) => [200, this.find(id, who)],
      ],
      [
        'PATCH',
        /^\/webhooks\/subscriptions\/([^/]+)$/,
        (_r, b, [id], who) => this.update(id, b, who),
      ],
      [
        'DELETE',
        /^\/webhooks\/subscriptions\/([^/]+)$/,
        (_r, _b, [id], who) => this.remove(id, who),
      ],
      [
        'POST',
        /^\/webhooks\/subscriptions\/([^/]+)\/test$/,
        (_r, _b, [id], who) => this.test(id, who),
      ],
    ];
    for (const [m, pattern, handler, anonymous] of table) {
      const match = m === method ? pattern.exec(path) : null;
      if (match) {
        return {
          params: match.slice(1).map(decodeURIComponent),
          anonymous: anonymous === true,
          handler: (req: IncomingMessage, body: unknown, params: string[], who: string, url: URL) =>
            handler(Object.assign(req, { sandboxUrl: url }), body, params, who),
        };
      }
    }
    return null;
  }

  private login(body: unknown): [number, unknown] {
    const b = (body ?? {}) as Record<string, unknown>;
    const user = this.settings.users.find(
      (u) => u.username === b.username && u.password === b.password,
    );
    if (!user) throw new HttpError(401, 'invalid credentials');
    return [200, this.tokens.issue(user.username, user.tenantId ?? 'tenant_sandbox')];
  }

  private refresh(req: IncomingMessage, body: unknown): [number, unknown] {
    const header = req.headers.authorization;
    const fromHeader =
      typeof header === 'string' && header.startsWith('Bearer ') ? header.slice(7) : null;
    const fromBody = (body as { refresh_token?: unknown } | undefined)?.refresh_token;
    const token = fromHeader ?? (typeof fromBody === 'string' ? fromBody : null);
    const pair = token ? this.tokens.rotate(token) : null;
    if (!pair) throw new HttpError(401, 'invalid refresh token');
    return [200, pair];
  }

  private create(body: unknown, tenant: string): [number, unknown] {
    const { url, events, secret } = validateSubscription(body, true);
    const subscription: SandboxSubscription = {
      id:
        this.settings.idFormat === 'uuid'
          ? randomUUID()
          : `wh_sub_${randomBytes(8).toString('hex')}`,
      url: url!,
      events: events!,
      status: 'active',
      secret: secret ?? `whsec_${randomBytes(16).toString('hex')}`,
      tenantId: tenant,
      createdAt: new Date().toISOString(),
    };
    this.subscriptions.set(subscription.id, subscription);
    return [this.settings.createStatus, view(subscription, true)];
  }

  private list(req: IncomingMessage, tenant: string): [number, unknown] {
    const url = (req as IncomingMessage & { sandboxUrl: URL }).sandboxUrl;
    const page = Math.max(1, Number(url.searchParams.get('page') ?? 1) || 1);
    const perPage = Math.min(
      100,
      Math.max(1, Number(url.searchParams.get('per_page') ?? 20) || 20),
    );
    const mine = [...this.subscriptions.values()]
      .filter((s) => s.tenantId === tenant)
      .map((s) => view(s, false));
    if (this.settings.listShape === 'array') return [200, mine];
    return [
      200,
      {
        data: mine.slice((page - 1) * perPage, page * perPage),
        total: mine.length,
        page,
        per_page: perPage,
      },
    ];
  }

  private find(id: string, tenant: string): SandboxSubscription {
    const subscription = this.subscriptions.get(id);
    if (!subscription || subscription.tenantId !== tenant)
      throw new HttpError(404, 'subscription not found');
    return subscription;
  }

  private update(id: string, body: unknown, tenant: string): [number, unknown] {
    const subscription = this.find(id, tenant);
    const { url, events, secret, status } = validateSubscription(body, false);
    Object.assign(subscription, {
      ...(url ? { url } : {}),
      ...(events ? { events } : {}),
      ...(secret ? { secret } : {}),
      ...(status ? { status } : {}),
    });
    return [200, view(subscription, false)];
  }

  private remove(id: string, tenant: string): [number, unknown] {
    this.find(id, tenant);
    this.subscriptions.delete(id);
    return [204, undefined];
  }

  private test(id: string, tenant: string): [number, unknown] {
    const subscription = this.find(id, tenant);
    const messageId = `msg_test_${randomBytes(6).toString('hex')}`;
    const deliveryId = this.deliveries.start(subscription, {
      event: 'dlr',
      message_id: messageId,
      status: 'delivered',
      error_code: null,
      destination: '+8801700000000',
      delivered_at: new Date().toISOString(),
    });
    return [200, { message: 'test webhook sent', message_id: messageId, delivery_id: deliveryId }];
  }
}

function view(s: SandboxSubscription, withSecret: boolean) {
  const { secret, tenantId, createdAt, ...rest } = s;
  return { ...rest, tenant_id: tenantId, created_at: createdAt, ...(withSecret ? { secret } : {}) };
}

function validateSubscription(body: unknown, creating: boolean) {
  const b = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
  const url = b.url;
  if (url !== undefined || creating) {
    if (typeof url !== 'string' || !/^https?:\/\//.test(url))
      throw new HttpError(400, 'url must be an http(s) URL');
  }
  const events = b.events;
  if (events !== undefined || creating) {
    if (
      !Array.isArray(events) ||
      events.length === 0 ||
      !events.every((e) => typeof e === 'string')
    ) {
      throw new HttpError(400, 'events must be a non-empty array of strings');
    }
  }
  if (b.secret !== undefined && (typeof b.secret !== 'string' || b.secret.length < 8)) {
    throw new HttpError(400, 'secret must be a string of at least 8 characters');
  }
  if (b.status !== undefined && b.status !== 'active' && b.status !== 'inactive') {
    throw new HttpError(400, 'status must be active or inactive');
  }
  return {
    url: url,
    events: events,
    secret: b.secret,
    status: b.status as string | undefined,
  };
}

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > 1024 * 1024) throw new HttpError(413, 'payload too large');
    chunks.push(chunk as Buffer);
  }
  if (size === 0) return undefined;
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
  } catch {
    throw new HttpError(400, 'invalid JSON');
  }
}
