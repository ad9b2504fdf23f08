import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnModuleDestroy,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { Subscription } from 'rxjs';
import type { ResolvedNativeMessageOptions } from '../interfaces/nativemessage-options.interface';
import { NATIVEMESSAGE_OPTIONS } from '../nativemessage.constants';
import { NativeMessageError } from '../nativemessage.errors';
import { ApiTransport } from './api-transport';
import type { EnsureSubscriptionInput, ResolvedClientOptions } from './client-options';
import { PasswordAuthenticator } from './password-authenticator';
import {
  toSubscription,
  unwrapData,
  WebhookSubscription,
  WebhookSubscriptionChanges,
} from './webhook-subscription';

const ID = /^[A-Za-z0-9_-]{1,128}$/;
const PER_PAGE = 100;
const MAX_PAGES = 100;

/** What `ensure()` did. */
export interface EnsureResult {
  readonly subscription: WebhookSubscription;
  readonly action: 'created' | 'updated' | 'unchanged';
}

/** Creates a transport with the configured authentication. */
export function createTransport(options: ResolvedClientOptions): ApiTransport {
  const transport = new ApiTransport(options);
  const { auth } = options;
  if (auth.kind === 'apiKey') {
    transport.useAuthenticator({
      headers: () => Promise.resolve({ 'x-api-key': auth.apiKey }),
      unauthorized: () => false,
    });
  } else if (auth.kind === 'bearer') {
    transport.useAuthenticator({
      headers: () => Promise.resolve({ authorization: `Bearer ${auth.token}` }),
      unauthorized: () => false,
    });
  } else {
    transport.useAuthenticator(new PasswordAuthenticator(transport, auth));
  }
  return transport;
}

const sameEvents = (a: string[], b: string[]) =>
  a.length === b.length && [...a].sort().every((e, i) => e === [...b].sort()[i]);

const normaliseUrl = (url: string) => url.replace(/\/+$/, '');

/**
 * Manages the webhook subscriptions of your NativeMessage account. Configure it with the `client`
 * module option; every method throws `NativeMessageApiError` when the API refuses or cannot be reached.
 */
@Injectable()
export class NativeMessageSubscriptions implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(NativeMessageSubscriptions.name);
  private readonly transport: ApiTransport | null;
  private listening?: Subscription;

  constructor(
    @Inject(NATIVEMESSAGE_OPTIONS) private readonly options: ResolvedNativeMessageOptions,
    private readonly adapterHost: HttpAdapterHost,
  ) {
    this.transport = options.client ? createTransport(options.client) : null;
  }

  onApplicationBootstrap(): void {
    const target = this.options.client?.ensureOnStart;
    if (!target) return;
    // After listen, not before: the provider may call the URL (a test delivery) straight away.
    this.listening = this.adapterHost.listen$.subscribe(() => {
      this.ensure(target).then(
        (r) =>
          this.logger.log(
            `Webhook subscription ${r.subscription.id} ${r.action} for ${target.url}`,
          ),
        (error: unknown) =>
          this.logger.error(
            `Could not ensure the webhook subscription for ${target.url}: ${String(error)}`,
          ),
      );
    });
  }

  onModuleDestroy(): void {
    this.listening?.unsubscribe();
  }

  /** Creates a subscription (not retried on 5xx: it is not idempotent; use `ensure` for that). */
  async create(input: {
    url: string;
    events: string[];
    secret?: string;
  }): Promise<WebhookSubscription> {
    const { client, transport } = this.require();
    const result = await transport.request({
      method: 'POST',
      path: client.createPath,
      body: {
        url: input.url,
        events: input.events,
        ...(input.secret ? { secret: input.secret } : {}),
      },
      idempotent: false,
    });
    return this.one(result.body, 'create');
  }

  /** Every subscription, across pages. */
  async list(): Promise<WebhookSubscription[]> {
    const { transport } = this.require();
    const all: WebhookSubscription[] = [];
    const seen = new Set<string>();
    for (let page = 1; page <= MAX_PAGES; page++) {
      const { body } = await transport.request({
        method: 'GET',
        path: '/webhooks/subscriptions',
        query: { page, per_page: PER_PAGE },
        idempotent: true,
      });
      const items = unwrapData(body);
      if (!Array.isArray(items))
        throw new NativeMessageError('Unexpected list answer: neither an array nor { data: [] }');
      let added = 0;
      for (const item of items) {
        const subscription = toSubscription(item);
        if (subscription && !seen.has(subscription.id)) {
          seen.add(subscription.id);
          all.push(subscription);
          added++;
        }
      }
      const total = body && typeof body === 'object' && 'total' in body ? Number(body.total) : NaN;
      // Stop on a short page, a known total reached, or a page that brought nothing new (servers
      // that ignore pagination and answer the whole list every time).
      if (items.length < PER_PAGE || added === 0 || (Number.isFinite(total) && all.length >= total))
        break;
    }
    return all;
  }

  /** One subscription. */
  async get(id: string): Promise<WebhookSubscription> {
    const { transport } = this.require();
    const result = await transport.request({
      method: 'GET',
      path: this.path(id),
      idempotent: true,
    });
    return this.one(result.body, 'get');
  }

  /** Changes a subscription. */
  async update(id: string, changes: WebhookSubscriptionChanges): Promise<WebhookSubscription> {
    const { transport } = this.require();
    const result = await transport.request({
      method: 'PATCH',
      path: this.path(id),
      body: changes,
      idempotent: true,
    });
    return this.one(result.body, 'update');
  }

  /** Deletes a subscription. */
  async delete(id: string): Promise<void> {
    const { transport } = this.require();
    await transport.request({ method: 'DELETE', path: this.path(id), idempotent: true });
  }

  /** Asks the provider to send a test delivery report to the subscription's URL. */
  async sendTest(id: string): Promise<Readonly<Record<string, unknown>>> {
    const { transport } = this.require();
    const result = await transport.request({
      method: 'POST',
      path: `${this.path(id)}/test`,
      idempotent: false,
    });
    const body = unwrapData(result.body);
    return body && typeof body === 'object' && !Array.isArray(body)
      ? (body as Record<string, unknown>)
      : {};
  }

  /**
   * Makes sure a subscription for `url` exists with exactly `events`: finds it by URL, creates it when
   * missing, updates its events when they differ. Safe to call on every start.
   */
  async ensure(input: EnsureSubscriptionInput): Promise<EnsureResult> {
    const existing = (await this.list()).find(
      (s) => normaliseUrl(s.url) === normaliseUrl(input.url),
    );
    if (!existing) return { subscription: await this.create(input), action: 'created' };
    if (sameEvents(existing.events, input.events))
      return { subscription: existing, action: 'unchanged' };
    return {
      subscription: await this.update(existing.id, { events: input.events }),
      action: 'updated',
    };
  }

  private path(id: string): string {
    if (!ID.test(id)) throw new TypeError(`Invalid subscription id: expected wh_sub_... or a UUID`);
    return `/webhooks/subscriptions/${encodeURIComponent(id)}`;
  }

  private one(body: unknown, what: string): WebhookSubscription {
    const subscription = toSubscription(body);
    if (!subscription)
      throw new NativeMessageError(`Unexpected ${what} answer: no subscription id and url`);
    return subscription;
  }

  private require(): { client: ResolvedClientOptions; transport: ApiTransport } {
    if (!this.options.client || !this.transport) {
      throw new NativeMessageError(
        'NativeMessageSubscriptions is not configured: add client: { apiKey } (or bearerToken, or username and password) to the NativeMessageModule options',
      );
    }
    return { client: this.options.client, transport: this.transport };
  }
}
