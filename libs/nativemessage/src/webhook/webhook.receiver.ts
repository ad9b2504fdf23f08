import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { buildEvents } from '../events/build-events';
import { NativeMessageEventPublisher } from '../events/nativemessage-event.publisher';
import { DeliveryClaims } from '../idempotency/delivery-claims';
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
import { errorText } from '../nativemessage.errors';
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

/** Fresh answer bodies: a host interceptor may add to them. */
const ACCEPTED = (): WebhookAcceptedBody => ({ received: true });
const IGNORED = (): WebhookAcceptedBody => ({ received: true, ignored: true });

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
    private readonly claims: DeliveryClaims,
    private readonly clock: NativeMessageClock,
    private readonly metrics: NativeMessageMetrics,
    @Optional()
    @Inject(NATIVEMESSAGE_STORAGE_INBOX)
    private readonly inbox: NativeMessageInboxStore | null,
  ) {}

  /**
   * Publishes the delivery's events (inline) or commits it to the inbox. Inline mode claims the
   * delivery first, marks it handled after, and releases it when a handler fails; rejects with the
   * handler's error, 409 while another request owns the delivery, or 503 when the store fails.
   */
  async receive(webhook: ParsedWebhook, verified: VerifiedWebhook): Promise<WebhookAcceptedBody> {
    if (this.options.dispatch === 'inbox' && this.inbox !== null) {
      return this.receiveIntoInbox(webhook, verified);
    }
    const outcome = await this.claims.claim(verified, new Date());
    if (outcome === 'duplicate') return this.duplicate();
    if (outcome === 'in-flight') throw WebhookErrors.inFlight(DEFAULT_RETRY_AFTER_SECONDS);
    let answer: WebhookAcceptedBody;
    try {
      answer = await this.handleInline(webhook, verified);
    } catch (error) {
      await this.claims.release(verified);
      throw error;
    }
    await this.claims.complete(verified, new Date());
    return answer;
  }

  private async handleInline(
    webhook: ParsedWebhook,
    verified: VerifiedWebhook,
  ): Promise<WebhookAcceptedBody> {
    // Outside the replay window: the claim, completed by the caller, is all that is kept.
    if (this.ignoredAsStale(webhook, verified)) return IGNORED();
    await this.publisher.publish(buildEvents(webhook, verified.context, this.options.keywords));
    return this.accepted(webhook, verified);
  }

  private async receiveIntoInbox(
    webhook: ParsedWebhook,
    verified: VerifiedWebhook,
  ): Promise<WebhookAcceptedBody> {
    if (this.ignoredAsStale(webhook, verified)) {
      // Not processed, but remembered, so the provider's retries are duplicates.
      return (await this.rememberOnly(verified)) === 'duplicate' ? this.duplicate() : IGNORED();
    }
    if ((await this.enqueue(verified)) === 'duplicate') return this.duplicate();
    this.dispatcher.kick();
    return this.accepted(webhook, verified);
  }

  private duplicate(): WebhookAcceptedBody {
    this.metrics.duplicate();
    return { received: true, duplicate: true };
  }

  /** The answer to a delivery handed on; unknown event types are logged and counted as ignored. */
  private accepted(webhook: ParsedWebhook, verified: VerifiedWebhook): WebhookAcceptedBody {
    if (webhook.kind === 'unknown') {
      // The event type is provider-controlled text: cut it short and strip control characters.
      const type = maskPhoneNumbers(webhook.eventType.slice(0, 64).replace(/[^\x20-\x7e]/g, '?'));
      this.logger.warn(
        `Ignored delivery ${verified.context.deliveryId} with unknown event type "${type}"`,
      );
      this.metrics.ignored('unknown_event');
      return IGNORED();
    }
    this.metrics.accepted(webhook.kind);
    return ACCEPTED();
  }

  /** Whether the delivery is outside the replay window (then logged and counted). */
  private ignoredAsStale(webhook: ParsedWebhook, verified: VerifiedWebhook): boolean {
    const stale = this.outsideReplayWindow(webhook);
    if (!stale) return false;
    this.logger.warn(`Ignored delivery ${verified.context.deliveryId}: event time ${stale}`);
    this.metrics.ignored('replay_window');
    return true;
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
    const now = this.clock.now();
    if ((await this.claims.claim(verified, now)) !== 'claimed') return 'duplicate';
    await this.claims.complete(verified, now);
    return 'stored';
  }
}
