import { createHmac, randomBytes } from 'node:crypto';

/** One signed delivery: the exact body and its headers. */
export interface SignedRequest {
  body: string;
  headers: Record<string, string>;
}

/**
 * Unique signed delivery reports: every request has its own X-Webhook-ID and message_id. The first
 * `poolSize` are signed ahead of time (so signing costs the generator nothing during the load); past
 * the pool they are signed on the fly.
 */
export class RequestFactory {
  private readonly nonce = randomBytes(4).toString('hex');
  private readonly pool: (SignedRequest | undefined)[] = [];
  private next = 0;
  liveSigned = 0;

  constructor(private readonly secret: string) {}

  /** The `index`-th delivery (ids depend on it only). */
  sign(index: number): SignedRequest {
    const body = JSON.stringify({
      event: 'dlr',
      message_id: `msg_${this.nonce}_${index}`,
      status: 'delivered',
      error_code: null,
      destination: '+8801700000000',
      delivered_at: new Date().toISOString(),
    });
    return {
      body,
      headers: {
        'content-type': 'application/json',
        'x-webhook-signature': createHmac('sha256', this.secret).update(body).digest('hex'),
        'x-webhook-id': `wh_${this.nonce}_${index}`,
      },
    };
  }

  /** Signs `size` deliveries ahead of time. */
  fill(size: number): void {
    for (let i = this.pool.length; i < size; i++) this.pool.push(this.sign(i));
  }

  get poolSize(): number {
    return this.pool.length;
  }

  /** Deliveries handed out so far. */
  get taken(): number {
    return this.next;
  }

  /** The next unused delivery (a pooled one is released once taken). */
  take(): SignedRequest {
    const index = this.next++;
    const pooled = this.pool[index];
    if (pooled) {
      this.pool[index] = undefined;
      return pooled;
    }
    this.liveSigned++;
    return this.sign(index);
  }

  /** Microseconds per request to sign on the fly (measured on throw-away ids). */
  measureSigningMicros(samples = 20_000): number {
    const start = process.hrtime.bigint();
    for (let i = 0; i < samples; i++) this.sign(-1 - i);
    return Number(process.hrtime.bigint() - start) / 1e3 / samples;
  }
}
