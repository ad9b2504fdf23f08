import type { NewInboxEntry } from '../inbox/inbox-store';

/** One enqueue waiting for its batch. */
export interface EnqueueRequest {
  readonly entry: NewInboxEntry;
  readonly retentionMs: number;
  readonly now: Date;
}

/**
 * Group commit: requests that arrive while the allowed batches are being written wait and go together
 * in the next one, so under load many deliveries share one transaction (one fsync, one round trip),
 * while a lone request still goes out on the next turn of the event loop. Each caller gets its own outcome, and
 * only after the batch that carries it has committed.
 */
export class GroupCommitter<I, O> {
  private queue: { item: I; resolve: (o: O) => void; reject: (e: unknown) => void }[] = [];
  private writing = 0;
  private scheduled = false;

  /**
   * @param write commits a batch and returns one outcome per item, in order
   * @param maxBatch largest batch
   * @param maxInFlight batches written at the same time: 1 for an embedded database; more for a
   *   server, where one batch's commit round trip would otherwise leave the connection pool idle
   */
  constructor(
    private readonly write: (items: I[]) => Promise<O[]> | O[],
    private readonly maxBatch = 500,
    private readonly maxInFlight = 1,
  ) {}

  /** Queues an item; resolves with its outcome once its batch has committed. */
  submit(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.writing >= this.maxInFlight || this.scheduled) return;
    this.scheduled = true;
    // Gather what arrives in this turn of the event loop into the same batch.
    setImmediate(() => {
      this.scheduled = false;
      void this.flush();
    });
  }

  private async flush(): Promise<void> {
    if (this.writing >= this.maxInFlight || this.queue.length === 0) return;
    this.writing++;
    const batch = this.queue.splice(0, this.maxBatch);
    try {
      const outcomes = await this.write(batch.map((b) => b.item));
      batch.forEach((b, i) => b.resolve(outcomes[i]));
    } catch (error) {
      for (const b of batch) b.reject(error);
    } finally {
      this.writing--;
      if (this.queue.length > 0) this.schedule();
    }
  }
}
