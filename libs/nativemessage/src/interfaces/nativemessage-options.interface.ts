import type { Provider } from '@nestjs/common';
import type { IdempotencyStore } from '../idempotency/idempotency-store';
import type { NativeMessageClientOptions, ResolvedClientOptions } from '../client/client-options';
import type { MeterProviderLike } from '../metrics/nativemessage-metrics';

/** Settings of the webhook endpoint. */
export interface NativeMessageWebhookOptions {
  /**
   * Signing secrets of your webhook subscriptions. A delivery is accepted when its signature matches
   * any of them, so during a rotation list the new and the old secret, then drop the old one.
   * Secrets are used byte for byte: surrounding whitespace is refused at start-up.
   */
  secrets: string[];
  /**
   * Largest accepted body, in bytes; larger deliveries get 413.
   * @default 65536 (64 KiB)
   */
  bodyLimit?: number;
  /**
   * Longest wait for the store on the request path, in ms; past it the delivery is answered 503 with
   * `Retry-After`, well inside the provider's 5 s.
   * @default 2000
   */
  storeTimeoutMs?: number;
  /**
   * Replay window: a signed delivery whose event time (`delivered_at`, `received_at`) is older than
   * this is acknowledged (200, ignored) and not processed, since the signature covers only the body
   * and receipts are purged after the retention. Must not exceed `idempotency.retentionMs`.
   * @default 259200000 (3 days)
   */
  maxEventAgeMs?: number;
  /**
   * How far in the future an event time may be (clock skew) before the delivery is ignored, in ms.
   * @default 300000 (5 min)
   */
  maxFutureSkewMs?: number;
}

/** Settings of the `inbox` dispatch mode. */
export interface NativeMessageInboxOptions {
  /**
   * Attempts before a delivery becomes a dead letter.
   * @default 10
   */
  maxAttempts?: number;
  /**
   * Delay after the first failed attempt, in ms; it doubles per attempt (with jitter).
   * @default 1000
   */
  initialBackoffMs?: number;
  /**
   * Largest delay between attempts, in ms.
   * @default 300000 (5 min)
   */
  maxBackoffMs?: number;
  /**
   * How often the dispatcher looks for due rows, in ms (new deliveries of this process start at once).
   * @default 1000
   */
  pollIntervalMs?: number;
  /**
   * Rows leased per poll and handled in one transaction; when a handler fails, the batch rolls back
   * and its rows are handled one by one.
   * @default 50
   */
  batchSize?: number;
  /**
   * Deliveries handled at once by this process (always 1 on SQLite).
   * @default 4
   */
  concurrency?: number;
  /**
   * How long a leased row stays reserved, in ms; rows of a crashed process are taken again after it.
   * Must exceed your slowest handler.
   * @default 60000
   */
  leaseMs?: number;
  /**
   * On shutdown, how long to wait for deliveries being handled, in ms; the rest are released.
   * @default 10000
   */
  shutdownTimeoutMs?: number;
  /**
   * Whether this process runs a dispatcher. Set `false` on instances that should only receive.
   * @default true
   */
  dispatcher?: boolean;
}

/**
 * Keywords recognised in inbound message bodies, compared case-insensitively after trimming.
 * Each list replaces its default; pass `[]` to switch one kind of event off.
 */
export interface NativeMessageKeywordOptions {
  /** Bodies that publish `OptOutRequested`. @default ['STOP','STOPALL','UNSUBSCRIBE','CANCEL','END','QUIT'] */
  optOut?: string[];
  /** Bodies that publish `OptInRequested`. @default ['START','UNSTOP','YES'] */
  optIn?: string[];
  /** Bodies that publish `HelpRequested`. @default ['HELP','INFO'] */
  help?: string[];
}

/** Deduplication settings. */
export interface NativeMessageIdempotencyOptions {
  /**
   * How long a handled delivery is remembered, in ms. Must exceed the provider's retry span (~7.4 h).
   * @default 604800000 (7 days)
   */
  retentionMs?: number;
  /**
   * Largest number of deliveries the default in-memory store remembers; when full, the oldest handled
   * deliveries are forgotten first. Ignored by other stores.
   * @default 100000
   */
  maxEntries?: number;
  /**
   * Age in ms after which a claim whose handling never finished counts as abandoned, so that a retry
   * may take it over.
   * @default 120000 (2 min)
   */
  claimTimeoutMs?: number;
  /**
   * How often expired receipts (and handled inbox rows) are purged, in ms.
   * @default 3600000 (1 h)
   */
  purgeIntervalMs?: number;
  /**
   * A store instance to use instead of the default (in-memory, or the `storage` extra's).
   */
  store?: IdempotencyStore;
}

/**
 * How deliveries reach the handlers:
 * - `inline`: during the request; a handler failure answers 500 and the provider retries.
 * - `inbox`: the request commits the delivery to a durable inbox and answers 200 at once; a dispatcher
 *   runs the handlers afterwards, with retries, backoff and dead letters. Needs a durable `storage`.
 */
export type NativeMessageDispatchMode = 'inline' | 'inbox';

/** Options of {@link NativeMessageModule}. */
export interface NativeMessageModuleOptions {
  /** The webhook endpoint. */
  webhook: NativeMessageWebhookOptions;
  /** Keywords that turn inbound messages into opt-out, opt-in and help events. */
  keywords?: NativeMessageKeywordOptions;
  /** Deduplication of deliveries. */
  idempotency?: NativeMessageIdempotencyOptions;
  /**
   * Dispatch mode.
   * @default 'inline'
   */
  dispatch?: NativeMessageDispatchMode;
  /** Settings of the `inbox` dispatch mode. */
  inbox?: NativeMessageInboxOptions;
  /** The subscription client (`NativeMessageSubscriptions`). */
  client?: NativeMessageClientOptions;
  /** Metrics settings. */
  metrics?: NativeMessageMetricsOptions;
}

/** Metrics settings. */
export interface NativeMessageMetricsOptions {
  /**
   * The OpenTelemetry MeterProvider to record with.
   * @default the global one of `@opentelemetry/api` (a no-op unless the host registered an SDK)
   */
  meterProvider?: MeterProviderLike;
}

/**
 * A durable storage back-end, given as the `storage` extra; built by helpers such as
 * `typeOrmStorage()` from `nestjs-nativemessage/typeorm`.
 */
export interface NativeMessageStorage {
  /** Providers for `NATIVEMESSAGE_STORAGE_RECEIPTS` and `NATIVEMESSAGE_STORAGE_INBOX`, and their helpers. */
  readonly providers: Provider[];
  /** Tokens the module re-exports to the host (for example a transaction accessor). */
  readonly exports?: (string | symbol | Provider | (abstract new (...args: never[]) => unknown))[];
}

/** Module-shape settings, given next to the options in `forRoot` and `forRootAsync`. */
export interface NativeMessageModuleExtras {
  /**
   * Register the module globally.
   * @default false
   */
  isGlobal?: boolean;
  /**
   * Route of the webhook endpoint (POST). It is part of the module's shape because routes are fixed
   * before asynchronous options resolve, so it is given here rather than inside `webhook`.
   * @default '/webhooks/nativemessage'
   */
  webhookPath?: string;
  /**
   * Extra metadata set on the webhook controller, for the host's global guards: for example
   * `{ isPublic: true }` for an auth guard that honours that key, or `{ 'THROTTLER:SKIPdefault': true }`
   * to keep `@nestjs/throttler` away from the provider's retries. The controller always carries
   * `NATIVEMESSAGE_WEBHOOK_ROUTE` as well.
   */
  routeMetadata?: Record<string, unknown>;
  /**
   * Durable storage of receipts and the inbox, e.g. `typeOrmStorage()`.
   * @default in-memory receipts, no inbox
   */
  storage?: NativeMessageStorage;
}

/** Options after validation and defaulting; injectable with the `NATIVEMESSAGE_OPTIONS` token. */
export interface ResolvedNativeMessageOptions {
  /** Route of the webhook endpoint. */
  readonly webhookPath: string;
  /** Signing secrets, in the order given. */
  readonly secrets: readonly string[];
  /** Largest accepted body, in bytes. */
  readonly bodyLimit: number;
  /** Upper-cased keyword sets. */
  readonly keywords: {
    readonly optOut: ReadonlySet<string>;
    readonly optIn: ReadonlySet<string>;
    readonly help: ReadonlySet<string>;
  };
  /** Retention of receipts, in ms. */
  readonly retentionMs: number;
  /** Cap of the in-memory store. */
  readonly maxEntries: number;
  /** Abandoned-claim age, in ms. */
  readonly claimTimeoutMs: number;
  /** Store instance given in the options, if any. */
  readonly store?: IdempotencyStore;
  /** Purge period, in ms. */
  readonly purgeIntervalMs: number;
  /** Store wait limit on the request path, in ms. */
  readonly storeTimeoutMs: number;
  /** Dispatch mode. */
  readonly dispatch: NativeMessageDispatchMode;
  /** Inbox settings with defaults. */
  readonly inbox: Required<NativeMessageInboxOptions>;
  /** Client settings, when configured. */
  readonly client?: ResolvedClientOptions;
  /** Replay window, in ms. */
  readonly maxEventAgeMs: number;
  /** Allowed clock skew, in ms. */
  readonly maxFutureSkewMs: number;
  /** MeterProvider given in the options. */
  readonly meterProvider?: MeterProviderLike;
}
