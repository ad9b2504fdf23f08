import { randomUUID } from 'node:crypto';
import { computeSignature } from '../../webhook/signature.verifier';

/** One HTTP attempt of a webhook delivery. */
export interface SandboxDeliveryAttempt {
  /** Delivery id, sent as `X-Webhook-ID` and the same on every retry. */
  readonly deliveryId: string;
  readonly subscriptionId: string;
  /** 1 for the first try. */
  readonly attempt: number;
  readonly at: Date;
  /** HTTP status, or `null` when no answer arrived. */
  readonly status: number | null;
  /** Network error or timeout text. */
  readonly error: string | null;
}

/** Target of a delivery. */
export interface DeliveryTarget {
  readonly id: string;
  readonly url: string;
  readonly secret: string;
}

/**
 * Sends signed webhooks like the provider: HMAC-SHA256 hex of the exact body in
 * `X-Webhook-Signature`, a 5 s deadline, retries on the documented schedule (scaled).
 */
export class SandboxDeliveries {
  readonly attempts: SandboxDeliveryAttempt[] = [];
  private readonly active = new Set<Promise<void>>();
  private readonly timers = new Map<NodeJS.Timeout, () => void>();
  private closed = false;

  constructor(
    private readonly scheduleMs: readonly number[],
    private readonly scale: number,
    private readonly timeoutMs: number,
  ) {}

  /** Starts delivering `payload` to `target`; resolves to the delivery id at once. */
  start(target: DeliveryTarget, payload: object): string {
    const deliveryId = `whd_${randomUUID()}`;
    const body = JSON.stringify(payload);
    this.track(this.run(target, deliveryId, body, 1));
    return deliveryId;
  }

  /** Resolves once every delivery succeeded or used up its retries. */
  async settled(): Promise<void> {
    while (this.active.size > 0) await Promise.allSettled([...this.active]);
  }

  /** Stops every pending retry. */
  close(): void {
    this.closed = true;
    for (const [timer, resolve] of this.timers) {
      clearTimeout(timer);
      resolve();
    }
    this.timers.clear();
  }

  private track(work: Promise<void>): void {
    this.active.add(work);
    void work.finally(() => this.active.delete(work));
  }

  private async run(
    target: DeliveryTarget,
    deliveryId: string,
    body: string,
    attempt: number,
  ): Promise<void> {
    if (this.closed) return;
    let status: number | null = null;
    let error: string | null = null;
    try {
      const response = await fetch(target.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-webhook-signature': computeSignature(body, target.secret),
          'x-webhook-id': deliveryId,
        },
        body,
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      status = response.status;
      await response.arrayBuffer();
    } catch (e) {
      error = e instanceof Error ? e.message : String(e);
    }
    this.attempts.push({
      deliveryId,
      subscriptionId: target.id,
      attempt,
      at: new Date(),
      status,
      error,
    });
    const ok = status !== null && status >= 200 && status < 300;
    if (ok || attempt > this.scheduleMs.length || this.closed) return;
    const delay = Math.round(this.scheduleMs[attempt - 1] * this.scale);
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        resolve();
      }, delay);
      this.timers.set(timer, resolve);
    });
    await this.run(target, deliveryId, body, attempt + 1);
  }
}
