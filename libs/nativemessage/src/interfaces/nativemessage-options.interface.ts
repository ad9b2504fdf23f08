import type { IdempotencyStore } from '../idempotency/idempotency-store';

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
   * A store instance to use instead of the default bounded in-memory store. A provider for the
   * `IdempotencyStore` token in the host module works as well.
   */
  store?: IdempotencyStore;
}

/** Options of {@link NativeMessageModule}. */
export interface NativeMessageModuleOptions {
  /** The webhook endpoint. */
  webhook: NativeMessageWebhookOptions;
  /** Keywords that turn inbound messages into opt-out, opt-in and help events. */
  keywords?: NativeMessageKeywordOptions;
  /** Deduplication of deliveries. */
  idempotency?: NativeMessageIdempotencyOptions;
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
}
