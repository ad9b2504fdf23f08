import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { buildEvents } from '../events/build-events';
import { NativeMessageEventPublisher } from '../events/nativemessage-event.publisher';
import { NativeMessageInboxDispatcher } from '../inbox/inbox.dispatcher';
import type { NativeMessageInboxStore } from '../inbox/inbox-store';
import { withTimeout } from '../inbox/with-timeout';
import type { ResolvedNativeMessageOptions } from '../interfaces/nativemessage-options.interface';
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
  /** The delivery was valid but not processed (unknown event type). */
  ignored?: true;
}

/**
 * Hands a verified, validated delivery on: publishes its events now (`inline`), or commits it to the
 * inbox and wakes the dispatcher (`inbox`).
 */
@Injectable()
export class WebhookReceiver {
  private readonly logger = new Logger(WebhookReceiver.name);

  constructor(
    @Inject(NATIVEMESSAGE_OPTIONS) private readonly options: ResolvedNativeMessageOptions,
    private readonly publisher: NativeMessageEventPublisher,
    private readonly dispatcher: NativeMessageInboxDispatcher,
    @Optional()
    @Inject(NATIVEMESSAGE_STORAGE_INBOX)
    private readonly inbox: NativeMessageInboxStore | null,
  ) {}

  /** Publishes or enqueues the delivery; rejects when a handler fails (inline) or the store does. */
  async receive(webhook: ParsedWebhook, verified: VerifiedWebhook): Promise<WebhookAcceptedBody> {
    const delivery = verified.context;
    if (this.options.dispatch === 'inbox' && this.inbox) {
      let outcome;
      try {
        outcome = await withTimeout(
          this.inbox.enqueue(
            {
              deliveryId: delivery.deliveryId,
              webhookId: delivery.webhookId,
              bodySha256: delivery.bodySha256,
              body: verified.rawBody.toString('utf8'),
              receivedAt: delivery.receivedAt,
            },
            this.options.retentionMs,
            delivery.receivedAt,
          ),
          this.options.storeTimeoutMs,
        );
      } catch (error) {
        this.logger.error(
          `Inbox unavailable for delivery ${delivery.deliveryId}, answered 503: ${error instanceof Error ? error.message : String(error)}`,
        );
        throw WebhookErrors.storeUnavailable(DEFAULT_RETRY_AFTER_SECONDS);
      }
      if (outcome === 'duplicate') return { received: true, duplicate: true };
      this.dispatcher.kick();
    } else {
      await this.publisher.publish(buildEvents(webhook, delivery, this.options.keywords));
    }
    if (webhook.kind === 'unknown') {
      // The event type is provider-controlled text: cut it short and strip control characters.
      const type = webhook.eventType.slice(0, 64).replace(/[^\x20-\x7e]/g, '?');
      this.logger.warn(`Ignored delivery ${delivery.deliveryId} with unknown event type "${type}"`);
      return { received: true, ignored: true };
    }
    return { received: true };
  }
}
