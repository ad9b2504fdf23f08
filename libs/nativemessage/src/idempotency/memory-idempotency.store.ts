import {
  ClaimOutcome,
  DeliveryKeys,
  IdempotencyStore,
  RejectedDelivery,
} from './idempotency-store';

/** Settings of {@link MemoryIdempotencyStore}. */
export interface MemoryIdempotencyStoreOptions {
  /** How long a handled delivery is remembered, in ms. */
  readonly retentionMs: number;
  /** Largest number of remembered deliveries; the oldest handled ones are forgotten first. */
  readonly maxEntries: number;
  /** Age in ms after which an unfinished claim counts as abandoned. */
  readonly claimTimeoutMs: number;
  /** Largest number of rejected deliveries kept. @default 100 */
  readonly maxRejected?: number;
}

interface Entry {
  readonly webhookId: string | null;
  readonly bodySha256: string;
  handled: boolean;
  /** Forgotten: released, taken over, expired or evicted (it may still sit in the queue). */
  removed: boolean;
  /** Taken out of the queue while in flight, to let eviction pass it (see `enforceCap`). */
  detached: boolean;
  readonly claimedAt: number;
  readonly expiresAt: number;
}

/** The queue is compacted once this many forgotten entries sit before its head. */
const COMPACT_AFTER = 4096;

/**
 * Bounded, single-process store: the default, and the right one for tests. Receipts vanish with the
 * process, so use a durable store when several instances receive webhooks or restarts must not
 * forget deliveries.
 */
export class MemoryIdempotencyStore extends IdempotencyStore {
  private readonly bySha = new Map<string, Entry>();
  private readonly byWebhookId = new Map<string, Entry>();
  /**
   * Entries in claim order (completion order for those detached while in flight); with a constant
   * retention this is also, near enough, expiry order. Consumed from `head`, so dropping the oldest
   * is O(1); forgotten entries are skipped when they reach the head.
   */
  private queue: Entry[] = [];
  private head = 0;
  /** In-flight entries the cap eviction moved out of the queue; they return to it when handled. */
  private readonly detached = new Set<Entry>();
  private live = 0;
  private readonly rejectedDeliveries: RejectedDelivery[] = [];

  constructor(private readonly options: MemoryIdempotencyStoreOptions) {
    super();
  }

  /** Number of remembered deliveries (handled or in flight). */
  get size(): number {
    return this.live;
  }

  /** The most recent rejected deliveries, oldest first. */
  get rejected(): readonly RejectedDelivery[] {
    return this.rejectedDeliveries;
  }

  claim(keys: DeliveryKeys, now: Date): Promise<ClaimOutcome> {
    const t = now.getTime();
    this.dropExpired(t);
    const outcome =
      this.check(this.bySha.get(keys.bodySha256), t) ??
      (keys.webhookId === null ? null : this.check(this.byWebhookId.get(keys.webhookId), t));
    if (outcome) return Promise.resolve(outcome);
    const entry: Entry = {
      webhookId: keys.webhookId,
      bodySha256: keys.bodySha256,
      handled: false,
      removed: false,
      detached: false,
      claimedAt: t,
      expiresAt: t + this.options.retentionMs,
    };
    this.bySha.set(entry.bodySha256, entry);
    if (entry.webhookId !== null) this.byWebhookId.set(entry.webhookId, entry);
    this.queue.push(entry);
    this.live++;
    this.enforceCap();
    return Promise.resolve('claimed');
  }

  complete(keys: DeliveryKeys, _now?: Date): Promise<void> {
    const entry = this.bySha.get(keys.bodySha256);
    if (entry && !entry.handled) {
      entry.handled = true;
      if (entry.detached) {
        entry.detached = false;
        this.detached.delete(entry);
        this.queue.push(entry);
      }
    }
    return Promise.resolve();
  }

  release(keys: DeliveryKeys): Promise<void> {
    const entry = this.bySha.get(keys.bodySha256);
    if (entry && !entry.handled) this.remove(entry);
    return Promise.resolve();
  }

  recordRejected(rejected: RejectedDelivery): Promise<void> {
    this.rejectedDeliveries.push(rejected);
    const max = this.options.maxRejected ?? 100;
    if (this.rejectedDeliveries.length > max) this.rejectedDeliveries.shift();
    return Promise.resolve();
  }

  purgeExpired(now: Date): Promise<number> {
    return Promise.resolve(this.dropExpired(now.getTime()));
  }

  /** What a claim answers for an existing entry, or `null` when the entry does not block it. */
  private check(existing: Entry | undefined, t: number): ClaimOutcome | null {
    if (!existing) return null;
    if (existing.handled) return 'duplicate';
    if (t - existing.claimedAt < this.options.claimTimeoutMs) return 'in-flight';
    this.remove(existing); // abandoned claim: take it over
    return null;
  }

  private dropExpired(t: number): number {
    let dropped = 0;
    while (this.head < this.queue.length) {
      const entry = this.queue[this.head];
      if (!entry.removed) {
        if (entry.expiresAt > t) break;
        this.remove(entry);
        dropped++;
      }
      this.head++;
    }
    // Usually empty: only in-flight claims that the cap eviction had to pass wait here.
    if (this.detached.size > 0) {
      for (const entry of this.detached) {
        if (entry.expiresAt <= t) {
          this.remove(entry);
          dropped++;
        }
      }
    }
    this.compact();
    return dropped;
  }

  private enforceCap(): void {
    while (this.live > this.options.maxEntries && this.head < this.queue.length) {
      const entry = this.queue[this.head++];
      if (entry.removed) continue;
      if (entry.handled) {
        this.remove(entry);
      } else {
        // In-flight claims are never evicted: that would let a concurrent duplicate through.
        entry.detached = true;
        this.detached.add(entry);
      }
    }
    this.compact();
  }

  private compact(): void {
    if (this.head >= COMPACT_AFTER && this.head * 2 >= this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
  }

  private remove(entry: Entry): void {
    if (entry.removed) return;
    entry.removed = true;
    this.live--;
    if (entry.detached) {
      entry.detached = false;
      this.detached.delete(entry);
    }
    if (this.bySha.get(entry.bodySha256) === entry) this.bySha.delete(entry.bodySha256);
    if (entry.webhookId !== null && this.byWebhookId.get(entry.webhookId) === entry) {
      this.byWebhookId.delete(entry.webhookId);
    }
  }
}
