import { Inject, Injectable, Logger } from '@nestjs/common';
import { buildEvents } from '../events/build-events';
import { NativeMessageEventPublisher } from '../events/nativemessage-event.publisher';
import { NATIVEMESSAGE_OPTIONS } from '../nativemessage.constants';
import type { ResolvedNativeMessageOptions } from '../interfaces/nativemessage-options.interface';
import type { ParsedWebhook } from '../validation/parsed-webhook';
import type { WebhookDeliveryContext } from './webhook-request';

/** Body of a 200 answer. */
export interface WebhookAcceptedBody {
  received: true;
  /** The delivery was seen before and not processed again. */
  duplicate?: true;
  /** The delivery was valid but not processed (unknown event type). */
  ignored?: true;
}

/** Turns a verified, validated delivery into events and publishes them (inline dispatch). */
@Injectable()
export class WebhookReceiver {
  private readonly logger = new Logger(WebhookReceiver.name);

  constructor(
    @Inject(NATIVEMESSAGE_OPTIONS) private readonly options: ResolvedNativeMessageOptions,
    private readonly publisher: NativeMessageEventPublisher,
  ) {}

  /** Publishes the delivery's events; rejects when a handler fails. */
  async receive(
    webhook: ParsedWebhook,
    delivery: WebhookDeliveryContext,
  ): Promise<WebhookAcceptedBody> {
    await this.publisher.publish(buildEvents(webhook, delivery, this.options.keywords));
    if (webhook.kind === 'unknown') {
      // The event type is provider-controlled text: cut it short and strip control characters.
      const type = webhook.eventType.slice(0, 64).replace(/[^\x20-\x7e]/g, '?');
      this.logger.warn(`Ignored delivery ${delivery.deliveryId} with unknown event type "${type}"`);
      return { received: true, ignored: true };
    }
    return { received: true };
  }
}
