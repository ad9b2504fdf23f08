import { Inject, Injectable, Logger } from '@nestjs/common';
import { withTimeout } from '../inbox/with-timeout';
import type { ResolvedNativeMessageOptions } from '../interfaces/nativemessage-options.interface';
import { DEFAULT_RETRY_AFTER_SECONDS, NATIVEMESSAGE_OPTIONS } from '../nativemessage.constants';
import { errorText } from '../nativemessage.errors';
import { WebhookErrors } from '../webhook/webhook-http.exception';
import type { VerifiedWebhook } from '../webhook/webhook-request';
import { ClaimOutcome, DeliveryKeys, IdempotencyStore } from './idempotency-store';

/**
 * The idempotency step of the request path, between validation and the events: claims a delivery in
 * the store, marks it handled, or releases it so the provider's retry runs again.
 *
 * A plain service called by the receiver rather than a Nest interceptor: on Node 20, Nest's
 * interceptor pipeline binds two `AsyncResource`s per request, and each bind goes through
 * `util.deprecate`; measured, that alone halved the webhook route's throughput (bench/README.md).
 * Store failures that decide the answer become 503 + `Retry-After`; the rest are logged.
 */
@Injectable()
export class DeliveryClaims {
  private readonly logger = new Logger('NativeMessageIdempotency');

  constructor(
    private readonly store: IdempotencyStore,
    @Inject(NATIVEMESSAGE_OPTIONS) private readonly options: ResolvedNativeMessageOptions,
  ) {}

  /** Claims the delivery; a store failure or timeout becomes 503. */
  async claim(verified: VerifiedWebhook, now: Date): Promise<ClaimOutcome> {
    try {
      return await withTimeout(
        this.store.claim(keysOf(verified), now),
        this.options.storeTimeoutMs,
      );
    } catch (error) {
      throw this.unavailable('claim', verified, error);
    }
  }

  /** Marks a claimed delivery handled; a store failure or timeout becomes 503. */
  async complete(verified: VerifiedWebhook, now: Date): Promise<void> {
    try {
      await withTimeout(this.store.complete(keysOf(verified), now), this.options.storeTimeoutMs);
    } catch (error) {
      throw this.unavailable('complete', verified, error);
    }
  }

  /**
   * Gives a claimed delivery up after its handling failed. Never throws: the handling error decides
   * the answer, and a claim left behind counts as abandoned after `claimTimeoutMs`.
   */
  async release(verified: VerifiedWebhook): Promise<void> {
    try {
      await withTimeout(this.store.release(keysOf(verified)), this.options.storeTimeoutMs);
    } catch (error) {
      this.logFailure('release', verified, error);
    }
  }

  /** Keeps the dead-letter copy of a delivery refused by validation. Never throws (logged). */
  async recordRejected(verified: VerifiedWebhook, problems: readonly string[]): Promise<void> {
    try {
      const rejected = {
        keys: keysOf(verified),
        body: verified.rawBody.toString('utf8'),
        problems,
        at: new Date(),
      };
      await withTimeout(this.store.recordRejected(rejected), this.options.storeTimeoutMs);
    } catch (error) {
      this.logFailure('keep the rejected copy of', verified, error);
    }
  }

  private unavailable(step: string, verified: VerifiedWebhook, error: unknown) {
    this.logFailure(step, verified, error);
    return WebhookErrors.storeUnavailable(DEFAULT_RETRY_AFTER_SECONDS);
  }

  private logFailure(step: string, verified: VerifiedWebhook, error: unknown): void {
    this.logger.error(
      `Idempotency store failed to ${step} delivery ${verified.context.deliveryId}: ${errorText(error)}`,
    );
  }
}

/** The keys that identify a delivery: its `X-Webhook-ID` and the SHA-256 of its raw body. */
function keysOf(verified: VerifiedWebhook): DeliveryKeys {
  return { webhookId: verified.context.webhookId, bodySha256: verified.context.bodySha256 };
}
