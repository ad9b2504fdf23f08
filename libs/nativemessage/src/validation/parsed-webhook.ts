import type { DeliveryReportFields, InboundMessageFields } from '../events/nativemessage.events';

/** A validated payload, normalised; what the payload pipe hands to the controller. */
export type ParsedWebhook =
  | {
      readonly kind: 'dlr';
      readonly fields: DeliveryReportFields;
      readonly raw: Record<string, unknown>;
    }
  | {
      readonly kind: 'mo';
      readonly fields: InboundMessageFields;
      readonly raw: Record<string, unknown>;
    }
  | { readonly kind: 'unknown'; readonly eventType: string; readonly raw: Record<string, unknown> };
