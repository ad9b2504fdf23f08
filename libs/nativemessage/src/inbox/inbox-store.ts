/** A verified, validated delivery to be committed to the inbox. */
export interface NewInboxEntry {
  /** Stable delivery id (`X-Webhook-ID` or `sha256:<hash>`). */
  readonly deliveryId: string;
  /** The provider's `X-Webhook-ID`, or `null`. */
  readonly webhookId: string | null;
  /** SHA-256 of the raw body, lowercase hex. */
  readonly bodySha256: string;
  /** The raw body, as UTF-8 text. */
  readonly body: string;
  /** When this process received the delivery. */
  readonly receivedAt: Date;
}

/** An inbox row leased by a dispatcher. */
export interface InboxEntry extends NewInboxEntry {
  /** Row id. */
  readonly id: string;
  /** Handling attempts made before this one. */
  readonly attempts: number;
}

/** Inbox counts for monitoring. */
export interface InboxCounts {
  /** Waiting to be handled (including those waiting for a retry). */
  readonly pending: number;
  /** Leased by a dispatcher right now. */
  readonly processing: number;
  /** Gave up after the maximum attempts; see dead letters. */
  readonly dead: number;
}

/** A delivery whose handling failed on every attempt. */
export interface DeadLetter {
  /** Inbox row id; pass it to `replay`. */
  readonly id: string;
  /** Delivery id. */
  readonly deliveryId: string;
  /** Attempts made. */
  readonly attempts: number;
  /** Message of the last failure. */
  readonly lastError: string | null;
  /** When the delivery was received. */
  readonly receivedAt: Date;
  /** When it was given up. */
  readonly failedAt: Date | null;
  /** The raw body. */
  readonly body: string;
}

/** Outcome of {@link NativeMessageInboxStore.enqueue}. */
export type EnqueueOutcome = 'enqueued' | 'duplicate';

/**
 * Durable inbox of the `inbox` dispatch mode. Implementations commit the receipt and the inbox row
 * atomically, and mark a row done in the same transaction as the handlers' work.
 */
export abstract class NativeMessageInboxStore {
  /** Whether one process owns the inbox (SQLite): leases left by an earlier run can be released at start. */
  abstract readonly exclusive: boolean;

  /** Claims the delivery's keys and commits the inbox row, atomically. */
  abstract enqueue(entry: NewInboxEntry, retentionMs: number, now: Date): Promise<EnqueueOutcome>;

  /** Leases up to `limit` due rows for `leaseMs`. */
  abstract lease(
    workerId: string,
    limit: number,
    leaseMs: number,
    now: Date,
  ): Promise<InboxEntry[]>;

  /**
   * Runs `work` for one or several rows inside one transaction and marks every row it ran for done
   * in that same transaction; resolves to the ids marked done (rows whose lease was lost are left out
   * and run nothing). When `work` rejects for any row, the whole transaction rolls back and the
   * promise rejects: the caller then handles the rows one by one.
   * @param work receives the store's transaction handle (a TypeORM `EntityManager` for TypeORM stores)
   */
  abstract processBatch(
    entries: readonly InboxEntry[],
    workerId: string,
    work: (entry: InboxEntry, transaction: unknown) => Promise<void>,
    now: Date,
  ): Promise<ReadonlySet<string>>;

  /** Records a failed attempt: retry at `nextAttemptAt`, or dead letter when it is `null`. */
  abstract reschedule(
    entry: InboxEntry,
    workerId: string,
    error: string,
    nextAttemptAt: Date | null,
    now: Date,
  ): Promise<void>;

  /** Releases the leases of one worker, or of every worker when `null`; returns how many. */
  abstract releaseLeases(workerId: string | null): Promise<number>;

  /** Current counts. */
  abstract counts(now: Date): Promise<InboxCounts>;

  /** Receive time of the oldest pending delivery, or `null` when none is pending. */
  abstract oldestPendingReceivedAt(): Promise<Date | null>;

  /** Dead letters, oldest first. */
  abstract deadLetters(limit: number, offset: number): Promise<DeadLetter[]>;

  /** Makes one dead letter pending again (attempts reset); `false` when it is not a dead letter. */
  abstract replay(id: string, now: Date): Promise<boolean>;

  /** Makes every dead letter pending again; returns how many. */
  abstract replayAll(now: Date): Promise<number>;

  /** Deletes handled rows and receipts older than the retention; returns how many rows went. */
  abstract purge(now: Date, retentionMs: number): Promise<number>;

  /** Checks that the store answers (and its tables exist). */
  abstract ping(): Promise<void>;
}
