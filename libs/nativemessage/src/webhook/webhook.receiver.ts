import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { buildEvents } from '../events/build-events';
import { NativeMessageEventPublisher } from '../events/nativemessage-event.publisher';
import { IdempotencyStore } from '../idempotency/idempotency-store';
import { NativeMessageInboxDispatcher } from '../inbox/inbox.dispatcher';
import type { NativeMessageInboxStore } from '../inbox/inbox-store';
import { withTimeout } from '../inbox/with-timeout';
import type { ResolvedNativeMessageOptions } from '../interfaces/nativemessage-options.interface';
import { maskPhoneNumbers } from '../log-masking';
import { NativeMessageMetrics } from '../metrics/nativemessage-metrics';
import { NativeMessageClock } from '../nativemessage.clock';
import {
  DEFAULT_RETRY_AFTER_SECONDS,
  NATIVEMESSAGE_OPTIONS,
  NATIVEMESSAGE_STORAGE_INBOX,
} from '../nativemessage.constants';
import type { ParsedWebhook } from '../validation/parsed-webhook';
import { WebhookErrors } from './webhook-http.exception';
import type { VerifiedWebhook } from './webhook-request';

/** Body of a 200 answer. */
export interface WebhookAcceptedBody {
  received: true;
  /** The delivery was seen before and not processed again. */
  duplicate?: true;
  /** The delivery was valid but not processed (unknown event type, or outside the replay window). */
  ignored?: true;
}

const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * Hands a verified, validated delivery on: publishes its events now (`inline`), or commits it to the
 * inbox and wakes the dispatcher (`inbox`). Deliveries outside the replay window are acknowledged
 * and only remembered.
 */
@Injectable()
export class WebhookReceiver {
  private readonly logger = new Logger(WebhookReceiver.name);

  constructor(
    @Inject(NATIVEMESSAGE_OPTIONS) private readonly options: ResolvedNativeMessageOptions,
    private readonly publisher: NativeMessageEventPublisher,
    private readonly dispatcher: NativeMessageInboxDispatcher,
    private readonly receipts: IdempotencyStore,
    private readonly clock: NativeMessageClock,
    private readonly metrics: NativeMessageMetrics,
    @Optional()
    @Inject(NATIVEMESSAGE_STORAGE_INBOX)
    private readonly inbox: NativeMessageInboxStore | null,
  ) {}

  /** Publishes or enqueues the delivery; rejects when a handler fails (inline) or the store does. */
  async receive(webhook: ParsedWebhook, verified: VerifiedWebhook): Promise<WebhookAcceptedBody> {
    const inboxMode = this.options.dispatch === 'inbox' && this.inbox !== null;
    const stale = this.outsideReplayWindow(webhook);
    if (stale) {
      this.logger.warn(`Ignored delivery ${verified.context.deliveryId}: event time ${stale}`);
      // In inline mode the interceptor's claim already remembers it; in inbox mode remember it here.
      if (inboxMode && (await this.rememberOnly(verified)) === 'duplicate') {
        this.metrics.duplicate();
        return { received: true, duplicate: true };
      }
      this.metrics.ignored('replay_window');
      return { received: true, ignored: true };
    }
    if (inboxMode) {
      if ((await this.enqueue(verified)) === 'duplicate') {
        this.metrics.duplicate();
        return { received: true, duplicate: true };
      }
      this.dispatcher.kick();
    } else {
      await this.publisher.publish(buildEvents(webhook, verified.context, this.options.keywords));
    }
    if (webhook.kind === 'unknown') {
      // The event type is provider-controlled text: cut it short and strip control characters.
      const type = maskPhoneNumbers(webhook.eventType.slice(0, 64).replace(/[^\x20-\x7e]/g, '?'));
      this.logger.warn(
        `Ignored delivery ${verified.context.deliveryId} with unknown event type "${type}"`,
      );
      this.metrics.ignored('unknown_event');
      return { received: true, ignored: true };
    }
    this.metrics.accepted(webhook.kind);
    return { received: true };
  }

  /** Why the event time is outside the replay window, or `null` when it is inside. */
  private outsideReplayWindow(webhook: ParsedWebhook): string | null {
    const at =
      webhook.kind === 'dlr'
        ? webhook.fields.statusAt
        : webhook.kind === 'mo'
          ? webhook.fields.receivedAt
          : null;
    if (!at) return null;
    const age = this.clock.now().getTime() - at.getTime();
    if (age > this.options.maxEventAgeMs)
      return `older than maxEventAgeMs (${Math.round(age / 1000)} s)`;
    if (-age > this.options.maxFutureSkewMs)
      return `in the future (${Math.round(-age / 1000)} s ahead)`;
    return null;
  }

  private async enqueue(verified: VerifiedWebhook) {
    const { context } = verified;
    try {
      return await withTimeout(
        this.inbox!.enqueue(
          {
            deliveryId: context.deliveryId,
            webhookId: context.webhookId,
            bodySha256: context.bodySha256,
            body: verified.rawBody.toString('utf8'),
            receivedAt: context.receivedAt,
          },
          this.options.retentionMs,
          context.receivedAt,
        ),
        this.options.storeTimeoutMs,
      );
    } catch (error) {
      this.logger.error(
        `Inbox unavailable for delivery ${context.deliveryId}, answered 503: ${errorText(error)}`,
      );
      throw WebhookErrors.storeUnavailable(DEFAULT_RETRY_AFTER_SECONDS);
    }
  }

  /** Stores the receipt of an ignored delivery, so retries are duplicates. */
  private async rememberOnly(verified: VerifiedWebhook): Promise<'stored' | 'duplicate'> {
    const keys = { webhookId: verified.context.webhookId, bodySha256: verified.context.bodySha256 };
    try {
      const now = this.clock.now();
      const outcome = await withTimeout(
        this.receipts.claim(keys, now),
        this.options.storeTimeoutMs,
      );
      if (outcome !== 'claimed') return 'duplicate';
      await withTimeout(this.receipts.complete(keys, now), this.options.storeTimeoutMs);
      return 'stored';
    } catch (error) {
      this.logger.error(
        `Receipts unavailable for delivery ${verified.context.deliveryId}: ${errorText(error)}`,
      );
      throw WebhookErrors.storeUnavailable(DEFAULT_RETRY_AFTER_SECONDS);
    }
  }
}
