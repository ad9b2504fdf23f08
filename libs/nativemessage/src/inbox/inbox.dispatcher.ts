import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  Optional,
} from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { buildEvents } from '../events/build-events';
import { NativeMessageEventPublisher } from '../events/nativemessage-event.publisher';
import type { ResolvedNativeMessageOptions } from '../interfaces/nativemessage-options.interface';
import { NATIVEMESSAGE_OPTIONS, NATIVEMESSAGE_STORAGE_INBOX } from '../nativemessage.constants';
import { parseWebhookPayload } from '../validation/webhook-payload.parser';
import { maskPhoneNumbers } from '../log-masking';
import { NativeMessageMetrics } from '../metrics/nativemessage-metrics';
import { errorText, NativeMessageHandlerError } from '../nativemessage.errors';
import { backoffDelay } from './backoff';
import { runInDispatchTransaction } from './dispatch-context';
import type { NativeMessageEvent } from '../events/nativemessage.events';
import type { InboxEntry, NativeMessageInboxStore } from './inbox-store';

/** A stored delivery that can never succeed: dead-lettered at once. */
class PermanentFailure extends Error {}

/**
 * Publishes the events of inbox rows: at once for deliveries received by this process, by polling
 * for the rest (other instances' rows, retries, rows left by a crash). At-least-once; each delivery's
 * handlers run in one store transaction that also marks the row done.
 */
@Injectable()
export class NativeMessageInboxDispatcher
  implements OnApplicationBootstrap, BeforeApplicationShutdown
{
  private readonly logger = new Logger(NativeMessageInboxDispatcher.name);
  /** Identifies this process's leases. */
  readonly workerId = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  private running = false;
  private loopDone: Promise<void> = Promise.resolve();
  private wake: (() => void) | null = null;
  private pendingWake = false;
  private readonly inFlight = new Set<Promise<void>>();
  private lastLeaseError = 0;

  constructor(
    @Inject(NATIVEMESSAGE_OPTIONS) private readonly options: ResolvedNativeMessageOptions,
    private readonly publisher: NativeMessageEventPublisher,
    private readonly metrics: NativeMessageMetrics,
    @Optional()
    @Inject(NATIVEMESSAGE_STORAGE_INBOX)
    private readonly store: NativeMessageInboxStore | null,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.options.dispatch !== 'inbox' || !this.options.inbox.dispatcher || !this.store) return;
    if (this.store.exclusive) {
      // One process owns this inbox: every lease still recorded belongs to a run that is gone.
      const released = await this.store.releaseLeases(null);
      if (released > 0)
        this.logger.warn(`Recovered ${released} inbox deliveries left by an earlier run`);
    }
    this.running = true;
    this.loopDone = this.loop();
  }

  async beforeApplicationShutdown(): Promise<void> {
    if (!this.running || !this.store) return;
    this.running = false;
    this.kick();
    await this.loopDone;
    const settled = Promise.allSettled([...this.inFlight]).then(() => true);
    const timedOut = new Promise<boolean>((resolve) =>
      setTimeout(() => resolve(false), this.options.inbox.shutdownTimeoutMs).unref(),
    );
    if (!(await Promise.race([settled, timedOut]))) {
      this.logger.warn(`Shutdown: ${this.inFlight.size} deliveries still running are released`);
    }
    await this.store.releaseLeases(this.workerId).catch((error: unknown) => {
      this.logger.warn(
        `Could not release leases at shutdown (they expire by themselves): ${errorText(error)}`,
      );
    });
  }

  /** Wakes the dispatcher now (a delivery was just committed). */
  kick(): void {
    if (this.wake) {
      const wake = this.wake;
      this.wake = null;
      wake();
    } else {
      this.pendingWake = true;
    }
  }

  /** Deliveries being handled by this process right now. */
  get activeCount(): number {
    return this.inFlight.size;
  }

  private async loop(): Promise<void> {
    const store = this.store!;
    const { batchSize, leaseMs, pollIntervalMs } = this.options.inbox;
    const concurrency = store.exclusive ? 1 : this.options.inbox.concurrency;
    while (this.running) {
      const capacity = concurrency - this.inFlight.size;
      let leased = 0;
      if (capacity > 0) {
        try {
          const entries = await store.lease(this.workerId, batchSize, leaseMs, new Date());
          leased = entries.length;
          if (entries.length > 0) this.track(this.handleBatch(entries));
        } catch (error) {
          if (Date.now() - this.lastLeaseError > 30_000) {
            this.lastLeaseError = Date.now();
            this.logger.error(
              `Inbox unavailable, retrying every ${pollIntervalMs} ms: ${errorText(error)}`,
            );
          }
        }
      }
      // A full batch means more rows may be due: go on at once while there is capacity.
      if (leased === batchSize && this.inFlight.size < concurrency) continue;
      await this.sleep(pollIntervalMs);
    }
  }

  private track(work: Promise<void>): void {
    this.inFlight.add(work);
    void work.finally(() => {
      this.inFlight.delete(work);
      this.kick();
    });
  }

  private sleep(ms: number): Promise<void> {
    if (this.pendingWake) {
      this.pendingWake = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.wake = null;
        resolve();
      }, ms);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  /**
   * Handles a leased batch in one transaction (one commit for many deliveries). When a handler fails
   * the batch rolls back and every delivery is handled alone, so the others commit and only the
   * failing one is retried with backoff.
   */
  private async handleBatch(entries: InboxEntry[]): Promise<void> {
    if (entries.length === 1) return this.handle(entries[0]);
    const events = new Map<string, NativeMessageEvent[]>();
    try {
      for (const entry of entries) events.set(entry.id, this.eventsOf(entry));
      const done = await this.store!.processBatch(
        entries,
        this.workerId,
        (entry, transaction) =>
          runInDispatchTransaction(transaction, () =>
            this.publisher.publish(events.get(entry.id)!),
          ),
        new Date(),
      );
      for (const entry of entries) {
        if (done.has(entry.id)) this.metrics.inboxLag(Date.now() - entry.receivedAt.getTime());
      }
    } catch {
      for (const entry of entries) await this.handle(entry);
    }
  }

  /** The events of a stored delivery. @throws PermanentFailure when it no longer validates */
  private eventsOf(entry: InboxEntry): NativeMessageEvent[] {
    const parsed = parseWebhookPayload(JSON.parse(entry.body));
    if (!parsed.ok) {
      throw new PermanentFailure(
        `stored payload no longer validates: ${parsed.problems.join('; ')}`,
      );
    }
    return buildEvents(
      parsed.webhook,
      {
        deliveryId: entry.deliveryId,
        webhookId: entry.webhookId,
        bodySha256: entry.bodySha256,
        receivedAt: entry.receivedAt,
      },
      this.options.keywords,
    );
  }

  private async handle(entry: InboxEntry): Promise<void> {
    try {
      const events = this.eventsOf(entry);
      const done = await this.store!.processBatch(
        [entry],
        this.workerId,
        (_entry, transaction) =>
          runInDispatchTransaction(transaction, () => this.publisher.publish(events)),
        new Date(),
      );
      if (done.has(entry.id)) {
        this.metrics.inboxLag(Date.now() - entry.receivedAt.getTime());
      } else {
        this.logger.warn(
          `Lease on delivery ${entry.deliveryId} was lost; another worker handles it`,
        );
      }
    } catch (error) {
      await this.fail(entry, error, error instanceof PermanentFailure);
    }
  }

  private async fail(entry: InboxEntry, error: unknown, permanent: boolean): Promise<void> {
    const attempts = entry.attempts + 1;
    const dead = permanent || attempts >= this.options.inbox.maxAttempts;
    const delay = backoffDelay(attempts, {
      initialDelayMs: this.options.inbox.initialBackoffMs,
      maxDelayMs: this.options.inbox.maxBackoffMs,
    });
    const next = dead ? null : new Date(Date.now() + delay);
    const message = maskPhoneNumbers(errorText(error));
    this.metrics.handlerFailed(
      error instanceof NativeMessageHandlerError ? error.eventName : 'unknown',
    );
    if (dead) {
      this.metrics.deadLettered();
      this.logger.error(
        `Delivery ${entry.deliveryId} is a dead letter after ${attempts} attempts: ${message}`,
      );
    } else {
      this.logger.warn(
        `Delivery ${entry.deliveryId} failed (attempt ${attempts}), retry in ${delay} ms: ${message}`,
      );
    }
    try {
      await this.store!.reschedule(entry, this.workerId, message, next, new Date());
    } catch (storeError) {
      this.logger.error(
        `Could not record the failure of ${entry.deliveryId}; its lease will expire: ${errorText(storeError)}`,
      );
    }
  }
}
