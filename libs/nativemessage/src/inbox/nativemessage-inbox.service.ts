import { Inject, Injectable, Optional } from '@nestjs/common';
import { NATIVEMESSAGE_STORAGE_INBOX } from '../nativemessage.constants';
import { NativeMessageError } from '../nativemessage.errors';
import { NativeMessageInboxDispatcher } from './inbox.dispatcher';
import type { DeadLetter, InboxCounts, NativeMessageInboxStore } from './inbox-store';

/** Operations on the durable inbox: counts, dead letters and their replay. */
@Injectable()
export class NativeMessageInbox {
  constructor(
    private readonly dispatcher: NativeMessageInboxDispatcher,
    @Optional()
    @Inject(NATIVEMESSAGE_STORAGE_INBOX)
    private readonly store: NativeMessageInboxStore | null,
  ) {}

  /** Whether a durable inbox store is configured (`storage` extra). */
  get durable(): boolean {
    return this.store !== null;
  }

  /** Checks that the store answers; rejects when it does not. */
  ping(): Promise<void> {
    return this.requireStore().ping();
  }

  /** Receive time of the oldest pending delivery, or `null`. */
  oldestPendingReceivedAt(): Promise<Date | null> {
    return this.requireStore().oldestPendingReceivedAt();
  }

  /** Pending, processing and dead deliveries. */
  counts(): Promise<InboxCounts> {
    return this.requireStore().counts(new Date());
  }

  /** Dead letters, oldest first. */
  deadLetters(options: { limit?: number; offset?: number } = {}): Promise<DeadLetter[]> {
    return this.requireStore().deadLetters(options.limit ?? 100, options.offset ?? 0);
  }

  /** Queues one dead letter again (attempts reset); `false` when `id` is not a dead letter. */
  async replay(id: string): Promise<boolean> {
    const replayed = await this.requireStore().replay(id, new Date());
    if (replayed) this.dispatcher.kick();
    return replayed;
  }

  /** Queues every dead letter again; returns how many. */
  async replayAll(): Promise<number> {
    const count = await this.requireStore().replayAll(new Date());
    if (count > 0) this.dispatcher.kick();
    return count;
  }

  private requireStore(): NativeMessageInboxStore {
    if (!this.store) {
      throw new NativeMessageError(
        'NativeMessageInbox needs a durable storage: pass storage: typeOrmStorage() to NativeMessageModule',
      );
    }
    return this.store;
  }
}
