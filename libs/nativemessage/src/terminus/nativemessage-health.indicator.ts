import { Injectable } from '@nestjs/common';
import { HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import { NativeMessageInbox } from '../inbox/nativemessage-inbox.service';
import { withTimeout } from '../inbox/with-timeout';

/** Thresholds of {@link NativeMessageHealthIndicator.isHealthy}. */
export interface NativeMessageHealthThresholds {
  /** Most pending deliveries tolerated. @default 1000 */
  maxBacklog?: number;
  /** Oldest pending delivery age tolerated, in ms. @default 300000 (5 min) */
  maxOldestPendingAgeMs?: number;
  /** Most dead letters tolerated. @default Infinity (reported, not judged) */
  maxDeadLetters?: number;
  /** Longest wait for the store, in ms. @default 2000 */
  timeoutMs?: number;
}

/**
 * `@nestjs/terminus` health indicator: the store answers, and the inbox backlog, the age of its
 * oldest pending delivery and its dead letters are under their thresholds. Needs `NativeMessageModule`
 * visible where it is provided (import it there, or register it with `isGlobal: true`).
 */
@Injectable()
export class NativeMessageHealthIndicator {
  constructor(
    private readonly health: HealthIndicatorService,
    private readonly inbox: NativeMessageInbox,
  ) {}

  /** Checks the module's store and inbox. */
  async isHealthy(
    key = 'nativemessage',
    thresholds: NativeMessageHealthThresholds = {},
  ): Promise<HealthIndicatorResult> {
    const indicator = this.health.check(key);
    if (!this.inbox.durable) return indicator.up({ store: 'memory' });
    const {
      maxBacklog = 1000,
      maxOldestPendingAgeMs = 5 * 60 * 1000,
      maxDeadLetters = Number.POSITIVE_INFINITY,
      timeoutMs = 2000,
    } = thresholds;
    try {
      const [counts, oldest] = await withTimeout(
        Promise.all([this.inbox.counts(), this.inbox.oldestPendingReceivedAt(), this.inbox.ping()]),
        timeoutMs,
      );
      const oldestPendingAgeMs = oldest ? Date.now() - oldest.getTime() : 0;
      const data = { ...counts, oldestPendingAgeMs };
      const problems = [
        counts.pending > maxBacklog ? `backlog ${counts.pending} > ${maxBacklog}` : null,
        oldestPendingAgeMs > maxOldestPendingAgeMs
          ? `oldest pending ${oldestPendingAgeMs} ms > ${maxOldestPendingAgeMs} ms`
          : null,
        counts.dead > maxDeadLetters ? `dead letters ${counts.dead} > ${maxDeadLetters}` : null,
      ].filter((p): p is string => p !== null);
      return problems.length === 0
        ? indicator.up(data)
        : indicator.down({ ...data, problems: problems.join('; ') });
    } catch (error) {
      return indicator.down({
        store: 'unreachable',
        error: error instanceof Error ? error.message.slice(0, 200) : 'unknown error',
      });
    }
  }
}
