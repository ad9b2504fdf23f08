/**
 * Documented statuses in lifecycle order: a message moves forward through these, and a final status
 * (`delivered`, `failed`, `expired`, `rejected`) never changes again.
 */
export const MESSAGE_STATUS_ORDER = [
  'pending',
  'queued',
  'submitted',
  'delivered',
  'failed',
  'expired',
  'rejected',
] as const;

/** Statuses after which a message's fate is settled. */
export const FINAL_MESSAGE_STATUSES: ReadonlySet<string> = new Set([
  'delivered',
  'failed',
  'expired',
  'rejected',
]);

/** Whether a status is final. */
export function isFinalStatus(status: string): boolean {
  return FINAL_MESSAGE_STATUSES.has(status);
}

/** Lifecycle position: 0-2 for pending..submitted, 3 for any final status, -1 for unknown ones. */
export function statusRank(status: string): number {
  if (isFinalStatus(status)) return 3;
  return (MESSAGE_STATUS_ORDER as readonly string[]).indexOf(status);
}

/**
 * Whether a report with status `next`, arriving after `current`, should become the message's current
 * status. Reports can arrive out of order (a retried `submitted` after `delivered`): a final status is
 * never replaced by a non-final one, and a known status never moves backwards.
 */
export function supersedesStatus(current: string | null, next: string): boolean {
  if (current === null) return true;
  if (isFinalStatus(current)) return isFinalStatus(next);
  const from = statusRank(current);
  const to = statusRank(next);
  return to === -1 || from === -1 || to >= from;
}
