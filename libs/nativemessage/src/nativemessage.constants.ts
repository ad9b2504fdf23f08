/** Default route of the webhook endpoint. */
export const DEFAULT_WEBHOOK_PATH = '/webhooks/nativemessage';

/** Default largest accepted webhook body, in bytes (64 KiB). */
export const DEFAULT_BODY_LIMIT_BYTES = 64 * 1024;

/** Default time a delivery is remembered for deduplication: 7 days (provider retries span ~7.4 h). */
export const DEFAULT_RETENTION_MS = 7 * 24 * 60 * 60 * 1000;

/** Default largest number of deliveries the in-memory store remembers. */
export const DEFAULT_MEMORY_STORE_MAX_ENTRIES = 100_000;

/**
 * Default time after which an unfinished claim is considered abandoned and may be taken again,
 * so a handler that never settles cannot block the provider's retries forever.
 */
export const DEFAULT_CLAIM_TIMEOUT_MS = 2 * 60 * 1000;

/** Seconds announced in `Retry-After` on 409 (in flight) and 503 (store unavailable) answers. */
export const DEFAULT_RETRY_AFTER_SECONDS = 5;

/** Header carrying the HMAC-SHA256 signature of the raw body. */
export const SIGNATURE_HEADER = 'x-webhook-signature';

/** Header carrying the provider's delivery id (optional: the provider does not always send it). */
export const WEBHOOK_ID_HEADER = 'x-webhook-id';

/** Carrier keyword sets used when `keywords` is not configured. */
export const DEFAULT_KEYWORDS = {
  optOut: ['STOP', 'STOPALL', 'UNSUBSCRIBE', 'CANCEL', 'END', 'QUIT'],
  optIn: ['START', 'UNSTOP', 'YES'],
  help: ['HELP', 'INFO'],
} as const;

/** Injection token of the validated, defaulted module options ({@link ResolvedNativeMessageOptions}). */
export const NATIVEMESSAGE_OPTIONS = Symbol('NATIVEMESSAGE_OPTIONS');

/** Metadata key set by {@link OnNativeMessageEvent} on handler methods. */
export const NATIVEMESSAGE_EVENT_HANDLER = 'nativemessage:event-handler';

/** Token under which a `storage` extra provides its `IdempotencyStore`. */
export const NATIVEMESSAGE_STORAGE_RECEIPTS = Symbol('NATIVEMESSAGE_STORAGE_RECEIPTS');

/** Token under which a `storage` extra provides its `NativeMessageInboxStore`. */
export const NATIVEMESSAGE_STORAGE_INBOX = Symbol('NATIVEMESSAGE_STORAGE_INBOX');

/**
 * Metadata key set (to `true`) on the module's webhook controller. A host's global guard can honour
 * it to let the provider in: `if (reflector.get(NATIVEMESSAGE_WEBHOOK_ROUTE, ctx.getClass())) return true`.
 */
export const NATIVEMESSAGE_WEBHOOK_ROUTE = 'nativemessage:webhook-route';
