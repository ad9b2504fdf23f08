import { Injectable } from '@nestjs/common';
import {
  InboundMessageReceived,
  MessageStatusChanged,
  OnNativeMessageEvent,
  OptInRequested,
  OptOutRequested,
} from 'nestjs-nativemessage';
import { NativeMessageEntityManager } from 'nestjs-nativemessage/typeorm';
import { InboundMessageRecord, OptOutRecord, StatusHistoryEntry } from './tracker.entities';

/**
 * The only writers of the tracker's tables. They write through `NativeMessageEntityManager`, so in
 * inbox mode their rows commit in the same transaction that marks the delivery handled. Each write is
 * also idempotent (keyed by the delivery id or the provider's ids), which keeps inline mode's retries
 * harmless.
 */
@Injectable()
export class TrackerEventHandlers {
  constructor(private readonly db: NativeMessageEntityManager) {}

  /** Appends every delivery report to the message's history. */
  @OnNativeMessageEvent(MessageStatusChanged)
  async recordStatus(event: MessageStatusChanged): Promise<void> {
    await this.db.manager
      .createQueryBuilder()
      .insert()
      .into(StatusHistoryEntry)
      .values({
        deliveryId: event.delivery.deliveryId,
        messageId: event.messageId,
        status: event.status,
        errorCode: event.errorCode,
        at: event.statusAt,
      })
      .orIgnore()
      .execute();
  }

  /** Stores inbound messages once per provider id. */
  @OnNativeMessageEvent(InboundMessageReceived)
  async recordInbound(event: InboundMessageReceived): Promise<void> {
    await this.db.manager
      .createQueryBuilder()
      .insert()
      .into(InboundMessageRecord)
      .values({
        id: event.messageId,
        from: event.from,
        to: event.to,
        body: event.body,
        receivedAt: event.receivedAt,
      })
      .orIgnore()
      .execute();
  }

  /** Remembers that the sender opted out. */
  @OnNativeMessageEvent(OptOutRequested)
  async recordOptOut(event: OptOutRequested): Promise<void> {
    await this.db.manager.upsert(OptOutRecord, { phoneNumber: event.from, at: event.receivedAt }, [
      'phoneNumber',
    ]);
  }

  /** Forgets the opt-out of a sender who opted back in. */
  @OnNativeMessageEvent(OptInRequested)
  async recordOptIn(event: OptInRequested): Promise<void> {
    await this.db.manager.delete(OptOutRecord, { phoneNumber: event.from });
  }
}
