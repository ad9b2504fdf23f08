import {
  CallHandler,
  ExecutionContext,
  Inject,
  Injectable,
  Logger,
  NestInterceptor,
} from '@nestjs/common';
import { catchError, concatMap, from, Observable, of } from 'rxjs';
import { withTimeout } from '../inbox/with-timeout';
import { NativeMessageMetrics } from '../metrics/nativemessage-metrics';
import type { ResolvedNativeMessageOptions } from '../interfaces/nativemessage-options.interface';
import { DEFAULT_RETRY_AFTER_SECONDS, NATIVEMESSAGE_OPTIONS } from '../nativemessage.constants';
import { WebhookErrors, WebhookValidationException } from '../webhook/webhook-http.exception';
import { getVerified, VerifiedWebhook } from '../webhook/webhook-request';
import { DeliveryKeys, IdempotencyStore } from './idempotency-store';

/**
 * Makes each delivery run at most once at a time and once in all: claims it in the store before the
 * handler, marks it handled after, and releases it on failure so the provider's retry runs again.
 * Duplicates are answered 200 `{ received: true, duplicate: true }` without running anything;
 * a duplicate arriving while the first is in flight gets 409 with `Retry-After`.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  private readonly logger = new Logger(IdempotencyInterceptor.name);

  constructor(
    protected readonly store: IdempotencyStore,
    @Inject(NATIVEMESSAGE_OPTIONS) private readonly options: ResolvedNativeMessageOptions,
    private readonly metrics: NativeMessageMetrics,
  ) {}

  async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    const verified = getVerified(context.switchToHttp().getRequest<object>());
    if (!verified) throw new Error('IdempotencyInterceptor runs only after WebhookSignatureGuard');
    const keys = this.getKeys(verified);

    if (this.options.dispatch === 'inbox') {
      // The inbox commits the receipt together with the row; only refused payloads are kept here.
      return next
        .handle()
        .pipe(catchError((error: unknown) => from(this.fail(keys, verified, error, false))));
    }

    let outcome;
    try {
      outcome = await withTimeout(this.store.claim(keys, new Date()), this.options.storeTimeoutMs);
    } catch (error) {
      this.logStoreError('claim', verified, error);
      throw WebhookErrors.storeUnavailable(DEFAULT_RETRY_AFTER_SECONDS);
    }
    if (outcome === 'duplicate') {
      this.metrics.duplicate();
      return of({ received: true, duplicate: true });
    }
    if (outcome === 'in-flight') throw WebhookErrors.inFlight(DEFAULT_RETRY_AFTER_SECONDS);

    return next.handle().pipe(
      concatMap((body: unknown) => from(this.complete(keys, verified).then(() => body))),
      catchError((error: unknown) => from(this.fail(keys, verified, error, true))),
    );
  }

  /** The keys that identify a delivery; override to change what counts as the same delivery. */
  protected getKeys(verified: VerifiedWebhook): DeliveryKeys {
    return { webhookId: verified.context.webhookId, bodySha256: verified.context.bodySha256 };
  }

  private async complete(keys: DeliveryKeys, verified: VerifiedWebhook): Promise<void> {
    try {
      await this.store.complete(keys, new Date());
    } catch (error) {
      this.logStoreError('complete', verified, error);
      throw WebhookErrors.storeUnavailable(DEFAULT_RETRY_AFTER_SECONDS);
    }
  }

  private async fail(
    keys: DeliveryKeys,
    verified: VerifiedWebhook,
    error: unknown,
    claimed: boolean,
  ): Promise<never> {
    try {
      if (error instanceof WebhookValidationException) {
        await this.store.recordRejected({
          keys,
          body: verified.rawBody.toString('utf8'),
          problems: error.problems,
          at: new Date(),
        });
      }
      if (claimed) await this.store.release(keys);
    } catch (storeError) {
      // The original failure still decides the answer; a claim left behind expires after claimTimeoutMs.
      this.logStoreError('release', verified, storeError);
    }
    throw error;
  }

  private logStoreError(step: string, verified: VerifiedWebhook, error: unknown): void {
    const message = error instanceof Error ? error.message : String(error);
    this.logger.error(
      `Idempotency store failed to ${step} delivery ${verified.context.deliveryId}: ${message}`,
    );
  }
}
