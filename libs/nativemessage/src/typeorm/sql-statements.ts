import { INBOX_COLUMNS } from './sql-shared';

/**
 * Statements both dialects run as they are, written with `?` placeholders (SQLite's); `PG` holds the
 * same text with `$n` placeholders. Dialect-specific ones (leasing with SKIP LOCKED, the batched
 * enqueue) stay in their stores.
 */
export const SQL = {
  completeReceipt: `UPDATE nativemessage_receipts SET state = 'done'
    WHERE (body_sha256 = ? OR webhook_id = ?) AND state = 'processing'`,
  releaseReceipt: `DELETE FROM nativemessage_receipts
    WHERE (body_sha256 = ? OR webhook_id = ?) AND state = 'processing'`,
  insertRejected: `INSERT INTO nativemessage_rejected (webhook_id, body_sha256, body, problems, rejected_at)
    VALUES (?, ?, ?, ?, ?)`,
  markDone: `UPDATE nativemessage_inbox SET status = 'done', attempts = attempts + 1, finished_at = ?,
    locked_by = NULL, locked_until = NULL, last_error = NULL WHERE id = ?`,
  rescheduleDead: `UPDATE nativemessage_inbox SET status = 'dead', attempts = attempts + 1, last_error = ?,
    finished_at = ?, locked_by = NULL, locked_until = NULL
    WHERE id = ? AND locked_by = ? AND status = 'pending'`,
  rescheduleRetry: `UPDATE nativemessage_inbox SET attempts = attempts + 1, last_error = ?, next_attempt_at = ?,
    locked_by = NULL, locked_until = NULL
    WHERE id = ? AND locked_by = ? AND status = 'pending'`,
  releaseLeases: `UPDATE nativemessage_inbox SET locked_by = NULL, locked_until = NULL
    WHERE status = 'pending' AND locked_by IS NOT NULL AND (CAST(? AS text) IS NULL OR locked_by = ?)`,
  counts: `SELECT status, (locked_until IS NOT NULL AND locked_until >= ?) AS leased, count(*) AS n
    FROM nativemessage_inbox WHERE status IN ('pending', 'dead') GROUP BY 1, 2`,
  oldestPending: `SELECT min(received_at) AS t FROM nativemessage_inbox WHERE status = 'pending'`,
  deadLetters: `SELECT ${INBOX_COLUMNS} FROM nativemessage_inbox WHERE status = 'dead' ORDER BY id LIMIT ? OFFSET ?`,
  replay: `UPDATE nativemessage_inbox SET status = 'pending', attempts = 0, next_attempt_at = ?,
    last_error = NULL, finished_at = NULL WHERE id = ? AND status = 'dead'`,
  replayAll: `UPDATE nativemessage_inbox SET status = 'pending', attempts = 0, next_attempt_at = ?,
    last_error = NULL, finished_at = NULL WHERE status = 'dead'`,
  purgeDone: `DELETE FROM nativemessage_inbox WHERE id IN (
    SELECT id FROM nativemessage_inbox WHERE status = 'done' AND finished_at <= ? LIMIT ?)`,
} as const;

/** Numbers `?` placeholders as PostgreSQL's `$1, $2, ...`. */
export function toPostgres(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

/** {@link SQL} for PostgreSQL. */
export const PG = Object.fromEntries(
  Object.entries(SQL).map(([name, sql]) => [name, toPostgres(sql)]),
) as { readonly [K in keyof typeof SQL]: string };
