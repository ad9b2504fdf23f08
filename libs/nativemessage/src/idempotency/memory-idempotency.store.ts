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
  readonly keys: readonly string[];
  handled: boolean;
  claimedAt: number;
  expiresAt: number;
}

const idKey = (webhookId: string): string => `id:${webhookId}`;
const shaKey = (sha: string): string => `sha:${sha}`;

function keysOf(keys: DeliveryKeys): string[] {
  const list = [shaKey(keys.bodySha256)];
  if (keys.webhookId !== null) list.push(idKey(keys.webhookId));
  return list;
}

/**
 * Bounded, single-process store: the default, and the right one for tests. Receipts vanish with the
 * process, so use a durable store when several instances receive webhooks or restarts must not
 * forget deliveries.
 */
export class MemoryIdempotencyStore extends IdempotencyStore {
  private readonly byKey = new Map<string, Entry>();
  /** Entries in claim order; with a constant retention this is also expiry order. */
  private readonly entries = new Set<Entry>();
  private readonly rejectedDeliveries: RejectedDelivery[] = [];

  constructor(private readonly options: MemoryIdempotencyStoreOptions) {
    super();
  }

  /** Number of remembered deliveries (handled or in flight). */
  get size(): number {
    return this.entries.size;
  }

  /** The most recent rejected deliveries, oldest first. */
  get rejected(): readonly RejectedDelivery[] {
    return this.rejectedDeliveries;
  }

  claim(keys: DeliveryKeys, now: Date): Promise<ClaimOutcome> {
    const t = now.getTime();
    this.dropExpired(t);
    const names = keysOf(keys);
    for (const name of names) {
      const existing = this.byKey.get(name);
      if (!existing) continue;
      if (existing.handled) return Promise.resolve('duplicate');
      if (t - existing.claimedAt < this.options.claimTimeoutMs) return Promise.resolve('in-flight');
      this.remove(existing); // abandoned claim: take it over
    }
    const entry: Entry = {
      keys: names,
      handled: false,
      claimedAt: t,
      expiresAt: t + this.options.retentionMs,
    };
    for (const name of names) this.byKey.set(name, entry);
    this.entries.add(entry);
    this.enforceCap();
    return Promise.resolve('claimed');
  }

  complete(keys: DeliveryKeys, _now?: Date): Promise<void> {
    const entry = this.byKey.get(shaKey(keys.bodySha256));
    if (entry) entry.handled = true;
    return Promise.resolve();
  }

  release(keys: DeliveryKeys): Promise<void> {
    const entry = this.byKey.get(shaKey(keys.bodySha256));
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

  private dropExpired(t: number): number {
    let dropped = 0;
    for (const entry of this.entries) {
      if (entry.expiresAt > t) break;
      this.remove(entry);
      dropped++;
    }
    return dropped;
  }

  private enforceCap(): void {
    if (this.entries.size <= this.options.maxEntries) return;
    for (const entry of this.entries) {
      if (this.entries.size <= this.options.maxEntries) break;
      // In-flight claims are never evicted: that would let a concurrent duplicate through.
      if (entry.handled) this.remove(entry);
    }
  }

  private remove(entry: Entry): void {
    this.entries.delete(entry);
    for (const name of entry.keys) {
      if (this.byKey.get(name) === entry) this.byKey.delete(name);
    }
  }
}
