import type { DataSource, EntityManager } from 'typeorm';
import {
  ClaimOutcome,
  DeliveryKeys,
  IdempotencyStore,
  RejectedDelivery,
} from '../idempotency/idempotency-store';
import {
  DeadLetter,
  EnqueueOutcome,
  InboxCounts,
  InboxEntry,
  NativeMessageInboxStore,
  NewInboxEntry,
} from '../inbox/inbox-store';
import { EnqueueRequest, GroupCommitter } from './group-commit';
import type { SqliteSpool } from './sqlite-spool';
import { SQL } from './sql-statements';
import { timeOrderedKey } from './time-ordered-key';
import {
  clipError,
  INBOX_COLUMNS,
  InboxRow,
  PURGE_BATCH,
  rejectedParams,
  ReceiptRow,
  toCounts,
  toDeadLetter,
  toEntry,
} from './sql-shared';

/** Receipts in the SQLite spool, for the inline mode. */
export class SqliteIdempotencyStore extends IdempotencyStore {
  constructor(
    private readonly spool: SqliteSpool,
    private readonly retentionMs: number,
    private readonly claimTimeoutMs: number,
  ) {
    super();
  }

  claim(keys: DeliveryKeys, now: Date): Promise<ClaimOutcome> {
    const t = now.getTime();
    return Promise.resolve(
      this.spool.tx((): ClaimOutcome => {
        const rows = this.spool
          .stmt(
            'SELECT id, state, claimed_at, expires_at FROM nativemessage_receipts WHERE body_sha256 = ? OR webhook_id = ?',
          )
          .all(keys.bodySha256, keys.webhookId) as ReceiptRow[];
        for (const row of rows) {
          if (Number(row.expires_at) <= t) {
            this.spool.stmt('DELETE FROM nativemessage_receipts WHERE id = ?').run(row.id);
            continue;
          }
          if (row.state === 'done') return 'duplicate';
          if (t - Number(row.claimed_at) < this.claimTimeoutMs) return 'in-flight';
          this.spool
            .stmt('UPDATE nativemessage_receipts SET claimed_at = ? WHERE id = ?')
            .run(t, row.id);
          return 'claimed';
        }
        this.spool
          .stmt(
            `INSERT INTO nativemessage_receipts (webhook_id, body_sha256, state, claimed_at, expires_at)
             VALUES (?, ?, 'processing', ?, ?)`,
          )
          .run(keys.webhookId, keys.bodySha256, t, t + this.retentionMs);
        return 'claimed';
      }),
    );
  }

  complete(keys: DeliveryKeys): Promise<void> {
    this.spool.stmt(SQL.completeReceipt).run(keys.bodySha256, keys.webhookId);
    return Promise.resolve();
  }

  release(keys: DeliveryKeys): Promise<void> {
    this.spool.stmt(SQL.releaseReceipt).run(keys.bodySha256, keys.webhookId);
    return Promise.resolve();
  }

  recordRejected(rejected: RejectedDelivery): Promise<void> {
    this.spool.stmt(SQL.insertRejected).run(...rejectedParams(rejected));
    return Promise.resolve();
  }

  async purgeExpired(now: Date): Promise<number> {
    const t = now.getTime();
    let total = 0;
    for (const [table, column, limit] of [
      ['nativemessage_receipts', 'expires_at', t],
      ['nativemessage_rejected', 'rejected_at', t - this.retentionMs],
    ] as const) {
      for (;;) {
        const { changes } = this.spool
          .stmt(
            `DELETE FROM ${table} WHERE id IN (SELECT id FROM ${table} WHERE ${column} <= ? LIMIT ${PURGE_BATCH})`,
          )
          .run(limit);
        total += changes;
        if (changes < PURGE_BATCH) break;
        await new Promise((resolve) => setImmediate(resolve)); // let requests in between batches
      }
    }
    return total;
  }
}

/**
 * The inbox on SQLite: rows in the spool, handler effects in the host database. A row's handlers run
 * in one host transaction that also records the row's key in `nativemessage_processed`; the spool row
 * is marked done afterwards. A crash between the two is recognised by that key on the next attempt,
 * so effects are committed exactly once. One process owns a SQLite inbox.
 */
export class SqliteInboxStore extends NativeMessageInboxStore {
  readonly exclusive = true;

  constructor(
    private readonly spool: SqliteSpool,
    private readonly dataSource: DataSource,
  ) {
    super();
  }

  /** Deliveries of the same moment share one spool transaction (one fsync). */
  private readonly committer = new GroupCommitter<EnqueueRequest, EnqueueOutcome>((items) =>
    this.spool.tx(() => items.map((item) => this.enqueueOne(item))),
  );

  enqueue(entry: NewInboxEntry, retentionMs: number, now: Date): Promise<EnqueueOutcome> {
    return this.committer.submit({ entry, retentionMs, now });
  }

  private enqueueOne({ entry, retentionMs, now }: EnqueueRequest): EnqueueOutcome {
    const t = now.getTime();
    const claimed = this.spool
      .stmt(
        `INSERT INTO nativemessage_receipts (webhook_id, body_sha256, state, claimed_at, expires_at)
         VALUES (?, ?, 'done', ?, ?) ON CONFLICT DO NOTHING`,
      )
      .run(entry.webhookId, entry.bodySha256, t, t + retentionMs);
    if (claimed.changes === 0) return 'duplicate';
    this.spool
      .stmt(
        `INSERT INTO nativemessage_inbox
           (entry_key, delivery_id, webhook_id, body_sha256, body, received_at, next_attempt_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        timeOrderedKey(t),
        entry.deliveryId,
        entry.webhookId,
        entry.bodySha256,
        entry.body,
        entry.receivedAt.getTime(),
        t,
      );
    return 'enqueued';
  }

  lease(workerId: string, limit: number, leaseMs: number, now: Date): Promise<InboxEntry[]> {
    const t = now.getTime();
    const statement = this.spool.stmt(
      `UPDATE nativemessage_inbox SET locked_by = ?, locked_until = ?
         WHERE id IN (
           SELECT id FROM nativemessage_inbox
           WHERE status = 'pending' AND next_attempt_at <= ? AND (locked_until IS NULL OR locked_until < ?)
           ORDER BY next_attempt_at, id LIMIT ?)
         RETURNING ${INBOX_COLUMNS}`,
    );
    // A lost lease only lets the row be leased again (leases are released at start anyway).
    const rows = this.spool.relaxed(
      () => statement.all(workerId, t + leaseMs, t, t, limit) as InboxRow[],
    );
    return Promise.resolve(rows.map(toEntry).sort((a, b) => Number(a.id) - Number(b.id)));
  }

  async processBatch(
    entries: readonly InboxEntry[],
    workerId: string,
    work: (entry: InboxEntry, transaction: unknown) => Promise<void>,
    now: Date,
  ): Promise<ReadonlySet<string>> {
    const owned = entries.flatMap((entry) => {
      const row = this.spool
        .stmt('SELECT entry_key, status, locked_by FROM nativemessage_inbox WHERE id = ?')
        .get(entry.id) as
        { entry_key: string; status: string; locked_by: string | null } | undefined;
      return row && row.status === 'pending' && row.locked_by === workerId
        ? [{ entry, key: row.entry_key }]
        : [];
    });
    await this.dataSource.transaction(async (manager: EntityManager) => {
      for (const { entry, key } of owned) {
        const marked = await manager.queryRunner!.query(
          'INSERT INTO nativemessage_processed (entry_key, processed_at) VALUES (?, ?) ON CONFLICT DO NOTHING',
          [key, now.getTime()],
          true,
        );
        // Already recorded: an earlier run committed its effects and stopped before marking the row.
        if ((marked as { affected?: number }).affected !== 0) await work(entry, manager);
      }
    });
    // Not fsynced: a lost done mark is recognised by the processed key on the next attempt.
    this.spool.relaxed(() =>
      this.spool.tx(() => {
        for (const { entry } of owned) this.spool.stmt(SQL.markDone).run(now.getTime(), entry.id);
      }),
    );
    return new Set(owned.map((o) => o.entry.id));
  }

  reschedule(
    entry: InboxEntry,
    workerId: string,
    error: string,
    nextAttemptAt: Date | null,
    now: Date,
  ): Promise<void> {
    if (nextAttemptAt === null) {
      this.spool.stmt(SQL.rescheduleDead).run(clipError(error), now.getTime(), entry.id, workerId);
    } else {
      this.spool
        .stmt(SQL.rescheduleRetry)
        .run(clipError(error), nextAttemptAt.getTime(), entry.id, workerId);
    }
    return Promise.resolve();
  }

  releaseLeases(workerId: string | null): Promise<number> {
    return Promise.resolve(this.spool.stmt(SQL.releaseLeases).run(workerId, workerId).changes);
  }

  counts(now: Date): Promise<InboxCounts> {
    const rows = this.spool.stmt(SQL.counts).all(now.getTime()) as {
      status: string;
      leased: number;
      n: number;
    }[];
    return Promise.resolve(toCounts(rows));
  }

  oldestPendingReceivedAt(): Promise<Date | null> {
    const row = this.spool.stmt(SQL.oldestPending).get() as { t: number | null };
    return Promise.resolve(row.t === null ? null : new Date(row.t));
  }

  deadLetters(limit: number, offset: number): Promise<DeadLetter[]> {
    const rows = this.spool.stmt(SQL.deadLetters).all(limit, offset) as InboxRow[];
    return Promise.resolve(rows.map(toDeadLetter));
  }

  replay(id: string, now: Date): Promise<boolean> {
    return Promise.resolve(this.spool.stmt(SQL.replay).run(now.getTime(), id).changes === 1);
  }

  replayAll(now: Date): Promise<number> {
    return Promise.resolve(this.spool.stmt(SQL.replayAll).run(now.getTime()).changes);
  }

  async purge(now: Date, retentionMs: number): Promise<number> {
    const before = now.getTime() - retentionMs;
    let total = 0;
    for (;;) {
      const { changes } = this.spool.stmt(SQL.purgeDone).run(before, PURGE_BATCH);
      total += changes;
      if (changes < PURGE_BATCH) break;
      await new Promise((resolve) => setImmediate(resolve));
    }
    await this.dataSource.query('DELETE FROM nativemessage_processed WHERE processed_at <= ?', [
      before,
    ]);
    return total;
  }

  async ping(): Promise<void> {
    this.spool.stmt('SELECT 1 FROM nativemessage_inbox LIMIT 1').all();
    await this.dataSource.query('SELECT 1 FROM nativemessage_processed LIMIT 1');
  }
}
