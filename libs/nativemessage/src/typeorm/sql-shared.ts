import type { RejectedDelivery } from '../idempotency/idempotency-store';
import type { DeadLetter, InboxCounts, InboxEntry } from '../inbox/inbox-store';

/** Row of the inbox as both dialects return it (bigints may come back as strings). */
export interface InboxRow {
  id: number | string;
  delivery_id: string;
  webhook_id: string | null;
  body_sha256: string;
  body: string;
  received_at: number | string;
  attempts: number | string;
  last_error?: string | null;
  finished_at?: number | string | null;
}

/** Columns selected for {@link InboxRow}. */
export const INBOX_COLUMNS =
  'id, delivery_id, webhook_id, body_sha256, body, received_at, attempts, last_error, finished_at';

/** Receipt row used by the inline claim. */
export interface ReceiptRow {
  id: number | string;
  state: string;
  claimed_at: number | string;
  expires_at: number | string;
}

/** Converts an inbox row to an entry. */
export function toEntry(row: InboxRow): InboxEntry {
  return {
    id: String(row.id),
    deliveryId: row.delivery_id,
    webhookId: row.webhook_id,
    bodySha256: row.body_sha256,
    body: row.body,
    receivedAt: new Date(Number(row.received_at)),
    attempts: Number(row.attempts),
  };
}

/** Converts an inbox row to a dead letter. */
export function toDeadLetter(row: InboxRow): DeadLetter {
  return {
    id: String(row.id),
    deliveryId: row.delivery_id,
    attempts: Number(row.attempts),
    lastError: row.last_error ?? null,
    receivedAt: new Date(Number(row.received_at)),
    failedAt:
      row.finished_at === null || row.finished_at === undefined
        ? null
        : new Date(Number(row.finished_at)),
    body: row.body,
  };
}

/** Folds `status, leased, n` rows into counts. */
export function toCounts(
  rows: { status: string; leased: unknown; n: number | string }[],
): InboxCounts {
  const counts = { pending: 0, processing: 0, dead: 0 };
  for (const row of rows) {
    const n = Number(row.n);
    if (row.status === 'dead') counts.dead += n;
    else if (row.leased === true || row.leased === 1 || row.leased === '1') counts.processing += n;
    else counts.pending += n;
  }
  return counts;
}

/** Parameters of `SQL.insertRejected`. */
export function rejectedParams(rejected: RejectedDelivery): unknown[] {
  return [
    rejected.keys.webhookId,
    rejected.keys.bodySha256,
    rejected.body,
    JSON.stringify(rejected.problems),
    rejected.at.getTime(),
  ];
}

/** Error text stored with a failed attempt: bounded, so a huge error cannot bloat the inbox. */
export const clipError = (message: string): string => message.slice(0, 2000);

/** Rows deleted per purge statement, so a purge never holds long locks. */
export const PURGE_BATCH = 2000;
