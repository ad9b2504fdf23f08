/** What identifies one delivery: either key seen before makes a delivery a duplicate. */
export interface DeliveryKeys {
  /** The provider's `X-Webhook-ID` header, or `null` when the provider did not send one. */
  readonly webhookId: string | null;
  /** Lowercase hex SHA-256 of the exact raw request body. */
  readonly bodySha256: string;
}

/**
 * Outcome of {@link IdempotencyStore.claim}:
 * - `claimed`: this request owns the delivery and must `complete` or `release` it;
 * - `duplicate`: the delivery was already handled within the retention window;
 * - `in-flight`: another request owns it right now (answer 409, the provider retries later).
 */
export type ClaimOutcome = 'claimed' | 'duplicate' | 'in-flight';

/** A delivery refused by validation, kept for inspection (the dead-letter copy of DESIGN.md). */
export interface RejectedDelivery {
  /** Keys of the refused delivery. */
  readonly keys: DeliveryKeys;
  /** The raw body as received, decoded as UTF-8. */
  readonly body: string;
  /** Human-readable validation problems. */
  readonly problems: readonly string[];
  /** When the delivery was refused. */
  readonly at: Date;
}

/**
 * Storage of delivery receipts for deduplication.
 *
 * Implementations must make {@link claim} atomic against both keys: of several concurrent claims
 * for the same delivery (on one or many processes) exactly one may return `claimed`.
 * The class doubles as the injection token: provide your own with
 * `{ provide: IdempotencyStore, useClass: MyStore }` or through the `idempotency.store` option.
 */
export abstract class IdempotencyStore {
  /**
   * Atomically claims a delivery.
   * @param keys the delivery's keys
   * @param now the current time (expired receipts count as absent)
   */
  abstract claim(keys: DeliveryKeys, now: Date): Promise<ClaimOutcome>;

  /** Marks a claimed delivery as handled; later claims of either key answer `duplicate`. */
  abstract complete(keys: DeliveryKeys, now: Date): Promise<void>;

  /** Gives a claimed delivery up (its handling failed) so the provider's retry can claim it again. */
  abstract release(keys: DeliveryKeys): Promise<void>;

  /** Keeps a copy of a delivery refused by validation. */
  abstract recordRejected(rejected: RejectedDelivery): Promise<void>;

  /** Deletes receipts older than the retention; returns how many were deleted. */
  abstract purgeExpired(now: Date): Promise<number>;
}
