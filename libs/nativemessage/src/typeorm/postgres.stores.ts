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
import { PG } from './sql-statements';
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

/** The part of node-postgres's Pool the stores use. */
export interface PgQueryable {
  query<R = Record<string, unknown>>(
    text: string,
    values?: unknown[],
  ): Promise<{ rows: R[]; rowCount: number | null }>;
  /** A named statement: prepared once per connection, then only executed. */
  query<R = Record<string, unknown>>(config: {
    name: string;
    text: string;
    values: unknown[];
  }): Promise<{ rows: R[]; rowCount: number | null }>;
}

/**
 * Enqueue statements in flight at once (each holds a pooled connection while it commits); leaves
 * room in TypeORM's default pool of 10 for the dispatcher's transactions.
 */
const ENQUEUE_BATCHES_IN_FLIGHT = 3;

/**
 * Enqueues a batch in one statement of fixed text (the rows come as arrays), so PostgreSQL parses and
 * plans it once per connection instead of once per batch. Receipts are inserted against both unique
 * keys, and inbox rows only for the receipts that went in.
 */
const ENQUEUE_BATCH = `WITH input AS (
    SELECT * FROM unnest($1::int[], $2::varchar[], $3::text[], $4::varchar[], $5::text[],
                         $6::bigint[], $7::bigint[], $8::bigint[])
      AS t (i, webhook_id, body_sha256, delivery_id, body, received_at, now_ms, expires_at)),
  claimed AS (
    INSERT INTO nativemessage_receipts (webhook_id, body_sha256, state, claimed_at, expires_at)
    SELECT webhook_id, body_sha256, 'done', now_ms, expires_at FROM input ORDER BY i
    ON CONFLICT DO NOTHING RETURNING body_sha256)
  INSERT INTO nativemessage_inbox
    (delivery_id, webhook_id, body_sha256, body, received_at, next_attempt_at)
  SELECT input.delivery_id, input.webhook_id, input.body_sha256, input.body, input.received_at, input.now_ms
  FROM input JOIN claimed ON claimed.body_sha256 = input.body_sha256
  ORDER BY input.i
  RETURNING body_sha256`;

/** The pg pool behind a TypeORM PostgreSQL DataSource. */
export function pgPoolOf(dataSource: DataSource): PgQueryable {
  return (dataSource.driver as unknown as { master: PgQueryable }).master;
}

/**
 * Receipts on PostgreSQL, for the inline mode: one atomic insert against both unique keys, so
 * concurrent duplicates on any number of instances produce exactly one `claimed`.
 */
export class PostgresIdempotencyStore extends IdempotencyStore {
  constructor(
    private readonly pool: PgQueryable,
    private readonly retentionMs: number,
    private readonly claimTimeoutMs: number,
  ) {
    super();
  }

  async claim(keys: DeliveryKeys, now: Date): Promise<ClaimOutcome> {
    const t = now.getTime();
    for (let round = 0; round < 3; round++) {
      const inserted = await this.pool.query(
        `INSERT INTO nativemessage_receipts (webhook_id, body_sha256, state, claimed_at, expires_at)
         VALUES ($1, $2, 'processing', $3, $4) ON CONFLICT DO NOTHING RETURNING id`,
        [keys.webhookId, keys.bodySha256, t, t + this.retentionMs],
      );
      if (inserted.rows.length === 1) return 'claimed';
      const { rows } = await this.pool.query<ReceiptRow>(
        `SELECT id, state, claimed_at, expires_at FROM nativemessage_receipts
         WHERE body_sha256 = $1 OR webhook_id = $2`,
        [keys.bodySha256, keys.webhookId],
      );
      let expired = false;
      for (const row of rows) {
        if (Number(row.expires_at) <= t) {
          await this.pool.query(
            'DELETE FROM nativemessage_receipts WHERE id = $1 AND expires_at <= $2',
            [row.id, t],
          );
          expired = true;
          continue;
        }
        if (row.state === 'done') return 'duplicate';
        if (t - Number(row.claimed_at) < this.claimTimeoutMs) return 'in-flight';
        const taken = await this.pool.query(
          `UPDATE nativemessage_receipts SET claimed_at = $1
           WHERE id = $2 AND state = 'processing' AND claimed_at = $3`,
          [t, row.id, row.claimed_at],
        );
        return taken.rowCount === 1 ? 'claimed' : 'in-flight';
      }
      if (!expired && rows.length > 0) return 'in-flight';
    }
    return 'in-flight';
  }

  async complete(keys: DeliveryKeys): Promise<void> {
    await this.pool.query(PG.completeReceipt, [keys.bodySha256, keys.webhookId]);
  }

  async release(keys: DeliveryKeys): Promise<void> {
    await this.pool.query(PG.releaseReceipt, [keys.bodySha256, keys.webhookId]);
  }

  async recordRejected(rejected: RejectedDelivery): Promise<void> {
    await this.pool.query(PG.insertRejected, rejectedParams(rejected));
  }

  async purgeExpired(now: Date): Promise<number> {
    const t = now.getTime();
    let total = 0;
    for (const [table, column, limit] of [
      ['nativemessage_receipts', 'expires_at', t],
      ['nativemessage_rejected', 'rejected_at', t - this.retentionMs],
    ] as const) {
      for (;;) {
        const { rowCount } = await this.pool.query(
          `DELETE FROM ${table} WHERE id IN (SELECT id FROM ${table} WHERE ${column} <= $1 LIMIT ${PURGE_BATCH})`,
          [limit],
        );
        total += rowCount ?? 0;
        if ((rowCount ?? 0) < PURGE_BATCH) break;
      }
    }
    return total;
  }
}

/**
 * The inbox on PostgreSQL: several instances share it with `FOR UPDATE SKIP LOCKED`; a row is
 * processed under a row lock in the same transaction as the handlers, so a lease that expires during
 * a long handler never lets a second worker in.
 */
export class PostgresInboxStore extends NativeMessageInboxStore {
  readonly exclusive = false;

  constructor(
    private readonly dataSource: DataSource,
    private readonly pool: PgQueryable,
  ) {
    super();
  }

  /** Deliveries that arrive while a batch is written go together in the next statement. */
  private readonly committer = new GroupCommitter<EnqueueRequest, EnqueueOutcome>(
    (items) => this.enqueueBatch(items),
    500,
    ENQUEUE_BATCHES_IN_FLIGHT,
  );

  enqueue(entry: NewInboxEntry, retentionMs: number, now: Date): Promise<EnqueueOutcome> {
    return this.committer.submit({ entry, retentionMs, now });
  }

  /**
   * One statement for a whole batch ({@link ENQUEUE_BATCH}). Keys repeated inside the batch are
   * answered `duplicate` before the statement, so each input row joins at most one receipt.
   */
  private async enqueueBatch(items: EnqueueRequest[]): Promise<EnqueueOutcome[]> {
    const outcomes: EnqueueOutcome[] = items.map(() => 'duplicate');
    const seen = new Set<string>();
    const columns: unknown[][] = [[], [], [], [], [], [], [], []];
    const shas: string[] = [];
    items.forEach(({ entry, retentionMs, now }, i) => {
      const keys = [
        `sha:${entry.bodySha256}`,
        ...(entry.webhookId ? [`id:${entry.webhookId}`] : []),
      ];
      if (keys.some((k) => seen.has(k))) return;
      for (const k of keys) seen.add(k);
      const t = now.getTime();
      const row = [
        i,
        entry.webhookId,
        entry.bodySha256,
        entry.deliveryId,
        entry.body,
        entry.receivedAt.getTime(),
        t,
        t + retentionMs,
      ];
      row.forEach((value, c) => columns[c].push(value));
      shas[i] = entry.bodySha256;
    });
    const { rows } = await this.pool.query<{ body_sha256: string }>({
      name: 'nativemessage_enqueue_batch',
      text: ENQUEUE_BATCH,
      values: columns,
    });
    const enqueued = new Set(rows.map((r) => r.body_sha256));
    shas.forEach((sha, i) => {
      if (sha !== undefined && enqueued.has(sha)) outcomes[i] = 'enqueued';
    });
    return outcomes;
  }

  async lease(workerId: string, limit: number, leaseMs: number, now: Date): Promise<InboxEntry[]> {
    const t = now.getTime();
    const { rows } = await this.pool.query<InboxRow>({
      name: 'nativemessage_lease',
      text: `UPDATE nativemessage_inbox SET locked_by = $1, locked_until = $2
       WHERE id IN (
         SELECT id FROM nativemessage_inbox
         WHERE status = 'pending' AND next_attempt_at <= $3 AND (locked_until IS NULL OR locked_until < $3)
         ORDER BY next_attempt_at, id LIMIT $4 FOR UPDATE SKIP LOCKED)
       RETURNING ${INBOX_COLUMNS}`,
      values: [workerId, t + leaseMs, t, limit],
    });
    return rows.map(toEntry).sort((a, b) => Number(a.id) - Number(b.id));
  }

  async processBatch(
    entries: readonly InboxEntry[],
    workerId: string,
    work: (entry: InboxEntry, transaction: unknown) => Promise<void>,
    now: Date,
  ): Promise<ReadonlySet<string>> {
    return this.dataSource.transaction(async (manager: EntityManager) => {
      const rows = await manager.query<{ id: string }[]>(
        `SELECT id FROM nativemessage_inbox
         WHERE id = ANY($1::bigint[]) AND locked_by = $2 AND status = 'pending' ORDER BY id FOR UPDATE`,
        [entries.map((e) => e.id), workerId],
      );
      const owned = new Set(rows.map((r) => String(r.id)));
      for (const entry of entries) if (owned.has(entry.id)) await work(entry, manager);
      await manager.query(
        `UPDATE nativemessage_inbox SET status = 'done', attempts = attempts + 1, finished_at = $1,
           locked_by = NULL, locked_until = NULL, last_error = NULL WHERE id = ANY($2::bigint[])`,
        [now.getTime(), [...owned]],
      );
      return owned;
    });
  }

  async reschedule(
    entry: InboxEntry,
    workerId: string,
    error: string,
    nextAttemptAt: Date | null,
    now: Date,
  ): Promise<void> {
    if (nextAttemptAt === null) {
      await this.pool.query(PG.rescheduleDead, [
        clipError(error),
        now.getTime(),
        entry.id,
        workerId,
      ]);
    } else {
      await this.pool.query(PG.rescheduleRetry, [
        clipError(error),
        nextAttemptAt.getTime(),
        entry.id,
        workerId,
      ]);
    }
  }

  async releaseLeases(workerId: string | null): Promise<number> {
    const { rowCount } = await this.pool.query(PG.releaseLeases, [workerId, workerId]);
    return rowCount ?? 0;
  }

  async counts(now: Date): Promise<InboxCounts> {
    const { rows } = await this.pool.query<{ status: string; leased: boolean; n: string }>(
      PG.counts,
      [now.getTime()],
    );
    return toCounts(rows);
  }

  async oldestPendingReceivedAt(): Promise<Date | null> {
    const { rows } = await this.pool.query<{ t: string | null }>(PG.oldestPending);
    const t = rows[0]?.t;
    return t === null || t === undefined ? null : new Date(Number(t));
  }

  async deadLetters(limit: number, offset: number): Promise<DeadLetter[]> {
    const { rows } = await this.pool.query<InboxRow>(PG.deadLetters, [limit, offset]);
    return rows.map(toDeadLetter);
  }

  async replay(id: string, now: Date): Promise<boolean> {
    if (!/^\d+$/.test(id)) return false;
    const { rowCount } = await this.pool.query(PG.replay, [now.getTime(), id]);
    return rowCount === 1;
  }

  async replayAll(now: Date): Promise<number> {
    const { rowCount } = await this.pool.query(PG.replayAll, [now.getTime()]);
    return rowCount ?? 0;
  }

  async purge(now: Date, retentionMs: number): Promise<number> {
    let total = 0;
    for (;;) {
      const { rowCount } = await this.pool.query(PG.purgeDone, [
        now.getTime() - retentionMs,
        PURGE_BATCH,
      ]);
      total += rowCount ?? 0;
      if ((rowCount ?? 0) < PURGE_BATCH) return total;
    }
  }

  async ping(): Promise<void> {
    await this.pool.query(
      'SELECT (SELECT count(*) FROM (SELECT 1 FROM nativemessage_inbox LIMIT 1) a) + (SELECT count(*) FROM (SELECT 1 FROM nativemessage_receipts LIMIT 1) b) + (SELECT count(*) FROM (SELECT 1 FROM nativemessage_rejected LIMIT 1) c)',
    );
  }
}
