import { randomUUID } from 'node:crypto';

/**
 * A UUID version 7 (RFC 9562): 48 bits of Unix time in ms, then 74 random bits (taken from a random
 * version 4 UUID, variant bits included), in the usual 36-character form. Keys made later sort
 * later, so a unique index on them grows at its right edge: an insert dirties the last leaf page
 * instead of a random one (fewer pages written per commit than with random UUIDs, which matters once
 * the table is large).
 */
export function timeOrderedKey(now = Date.now()): string {
  const time = now.toString(16).padStart(12, '0').slice(-12);
  // randomUUID(): xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx; keep everything after the version digit.
  return `${time.slice(0, 8)}-${time.slice(8, 12)}-7${randomUUID().slice(15)}`;
}
