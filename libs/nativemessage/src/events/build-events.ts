import type { ResolvedNativeMessageOptions } from '../interfaces/nativemessage-options.interface';
import type { ParsedWebhook } from '../validation/parsed-webhook';
import type { WebhookDeliveryContext } from '../webhook/webhook-request';
import {
  HelpRequested,
  InboundMessageReceived,
  MessageDelivered,
  MessageExpired,
  MessageFailed,
  MessageStatusChanged,
  NativeMessageEvent,
  OptInRequested,
  OptOutRequested,
  UnknownWebhookReceived,
} from './nativemessage.events';

type ReportEventClass = new (
  ...args: ConstructorParameters<typeof MessageDelivered>
) => NativeMessageEvent;

const STATUS_EVENTS: Readonly<Record<string, ReportEventClass | undefined>> = {
  delivered: MessageDelivered,
  failed: MessageFailed,
  rejected: MessageFailed,
  expired: MessageExpired,
};

/**
 * The events one validated delivery publishes, in order: the general event first
 * (`MessageStatusChanged`, `InboundMessageReceived`), then the specific one, if any.
 */
export function buildEvents(
  webhook: ParsedWebhook,
  delivery: WebhookDeliveryContext,
  keywords: ResolvedNativeMessageOptions['keywords'],
): NativeMessageEvent[] {
  switch (webhook.kind) {
    case 'dlr': {
      const events: NativeMessageEvent[] = [
        new MessageStatusChanged(webhook.fields, delivery, webhook.raw),
      ];
      const Specific = STATUS_EVENTS[webhook.fields.status];
      if (Specific) events.push(new Specific(webhook.fields, delivery, webhook.raw));
      return events;
    }
    case 'mo': {
      const events: NativeMessageEvent[] = [
        new InboundMessageReceived(webhook.fields, delivery, webhook.raw),
      ];
      const word = webhook.fields.body.trim().toUpperCase();
      if (keywords.optOut.has(word))
        events.push(new OptOutRequested(webhook.fields, delivery, webhook.raw));
      else if (keywords.optIn.has(word))
        events.push(new OptInRequested(webhook.fields, delivery, webhook.raw));
      else if (keywords.help.has(word))
        events.push(new HelpRequested(webhook.fields, delivery, webhook.raw));
      return events;
    }
    case 'unknown':
      return [new UnknownWebhookReceived(webhook.eventType, delivery, webhook.raw)];
  }
}
