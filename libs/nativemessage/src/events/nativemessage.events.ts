import type { WebhookDeliveryContext } from '../webhook/webhook-request';
import { isFinalStatus } from './message-status';

/** Statuses the provider documents; others may appear and are passed through as strings. */
export type KnownMessageStatus =
  'pending' | 'queued' | 'submitted' | 'delivered' | 'failed' | 'expired' | 'rejected';

/** A delivery-report status: a documented one or any new value the provider sends. */
export type MessageStatus = KnownMessageStatus | (string & {});

/** The provider's error code: a number (1-4 in the guide), a string (`"INVALID_NUMBER"`), or none. */
export type MessageErrorCode = number | string | null;

/** A class of event that `@OnNativeMessageEvent` accepts: constructible, with a static name. */
export interface NativeMessageEventClass<E extends NativeMessageEvent = NativeMessageEvent> {
  new (...args: never[]): E;
  /** Namespaced event name, `nativemessage.*`. */
  readonly eventName: string;
}

/** Common part of every event. */
export abstract class NativeMessageEvent {
  /** Namespaced event name of the class. */
  static readonly eventName: string;

  protected constructor(
    /** The delivery that carried this event (ids, receive time). */
    readonly delivery: WebhookDeliveryContext,
    /** The payload exactly as the provider sent it, unknown fields included. */
    readonly raw: Readonly<Record<string, unknown>>,
  ) {}
}

/** Fields of a delivery report, in camelCase. */
export interface DeliveryReportFields {
  /** The provider's message id (`msg_...` or a UUID). */
  readonly messageId: string;
  /** Status, trimmed and lower-cased; unknown values are kept. */
  readonly status: MessageStatus;
  /** The provider's error code, `null` when none was given. */
  readonly errorCode: MessageErrorCode;
  /** Recipient number, E.164. */
  readonly destination: string;
  /** Time of the status (`delivered_at`, also set for statuses other than delivered). */
  readonly statusAt: Date;
}

/** Base of the delivery-report events; subscribe to one of its subclasses. */
export abstract class DeliveryReportEvent
  extends NativeMessageEvent
  implements DeliveryReportFields
{
  readonly messageId: string;
  readonly status: MessageStatus;
  readonly errorCode: MessageErrorCode;
  readonly destination: string;
  readonly statusAt: Date;
  /** Whether `status` is final (delivered, failed, expired, rejected): it will not change again. */
  readonly isFinal: boolean;

  /** @internal built by the module from a validated payload */
  constructor(
    fields: DeliveryReportFields,
    delivery: WebhookDeliveryContext,
    raw: Readonly<Record<string, unknown>>,
  ) {
    super(delivery, raw);
    this.messageId = fields.messageId;
    this.status = fields.status;
    this.errorCode = fields.errorCode;
    this.destination = fields.destination;
    this.statusAt = fields.statusAt;
    this.isFinal = isFinalStatus(fields.status);
  }
}

/** Published for every delivery report, whatever its status. */
export class MessageStatusChanged extends DeliveryReportEvent {
  static override readonly eventName: string = 'nativemessage.message.status_changed';
}

/** Published, after `MessageStatusChanged`, for a report with status `delivered`. */
export class MessageDelivered extends DeliveryReportEvent {
  static override readonly eventName: string = 'nativemessage.message.delivered';
}

/** Published, after `MessageStatusChanged`, for a report with status `failed` or `rejected`. */
export class MessageFailed extends DeliveryReportEvent {
  static override readonly eventName: string = 'nativemessage.message.failed';
}

/** Published, after `MessageStatusChanged`, for a report with status `expired`. */
export class MessageExpired extends DeliveryReportEvent {
  static override readonly eventName: string = 'nativemessage.message.expired';
}

/** Fields of an inbound message, normalised from either documented payload shape. */
export interface InboundMessageFields {
  /** The provider's id of the inbound message (`id` or `message_id`). */
  readonly messageId: string;
  /** Sender number (`from` or `source`). */
  readonly from: string;
  /** Your number or sender name that received it (`to` or `destination`); may be a brand name. */
  readonly to: string;
  /** Text of the message (`body` or `content`). */
  readonly body: string;
  /** When the provider received the message (`received_at`). */
  readonly receivedAt: Date;
}

/** Base of the inbound-message events; subscribe to one of its subclasses. */
export abstract class InboundMessageEvent
  extends NativeMessageEvent
  implements InboundMessageFields
{
  readonly messageId: string;
  readonly from: string;
  readonly to: string;
  readonly body: string;
  readonly receivedAt: Date;

  /** @internal built by the module from a validated payload */
  constructor(
    fields: InboundMessageFields,
    delivery: WebhookDeliveryContext,
    raw: Readonly<Record<string, unknown>>,
  ) {
    super(delivery, raw);
    this.messageId = fields.messageId;
    this.from = fields.from;
    this.to = fields.to;
    this.body = fields.body;
    this.receivedAt = fields.receivedAt;
  }
}

/** Published for every inbound message (MO), whichever payload shape carried it. */
export class InboundMessageReceived extends InboundMessageEvent {
  static override readonly eventName: string = 'nativemessage.inbound.received';
}

/** Base of keyword events: the body, trimmed and upper-cased, matched a configured keyword. */
export abstract class KeywordEvent extends InboundMessageEvent {
  /** The matched keyword, upper-cased. */
  get keyword(): string {
    return this.body.trim().toUpperCase();
  }
}

/** The sender asked to stop receiving messages (STOP, UNSUBSCRIBE, ... by default). */
export class OptOutRequested extends KeywordEvent {
  static override readonly eventName: string = 'nativemessage.inbound.opt_out';
}

/** The sender asked to receive messages again (START, UNSTOP, YES by default). */
export class OptInRequested extends KeywordEvent {
  static override readonly eventName: string = 'nativemessage.inbound.opt_in';
}

/** The sender asked for help (HELP, INFO by default). */
export class HelpRequested extends KeywordEvent {
  static override readonly eventName: string = 'nativemessage.inbound.help';
}

/** A signed delivery with an `event` value the module does not know; answered 200 and ignored. */
export class UnknownWebhookReceived extends NativeMessageEvent {
  static override readonly eventName: string = 'nativemessage.unknown';

  /** @internal built by the module */
  constructor(
    /** The payload's `event` value. */
    readonly eventType: string,
    delivery: WebhookDeliveryContext,
    raw: Readonly<Record<string, unknown>>,
  ) {
    super(delivery, raw);
  }
}
