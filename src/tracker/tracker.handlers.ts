import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import {
  InboundMessageReceived,
  MessageStatusChanged,
  OnNativeMessageEvent,
  OptInRequested,
  OptOutRequested,
} from 'nestjs-nativemessage';
import { Repository } from 'typeorm';
import { InboundMessageRecord, OptOutRecord, StatusHistoryEntry } from './tracker.entities';

/**
 * The only writers of the tracker's tables. Each write is idempotent (keyed by the delivery id or the
 * provider's ids), so a delivery handled again after a retry leaves the same rows.
 */
@Injectable()
export class TrackerEventHandlers {
  constructor(
    @InjectRepository(StatusHistoryEntry) private readonly history: Repository<StatusHistoryEntry>,
    @InjectRepository(InboundMessageRecord)
    private readonly inbound: Repository<InboundMessageRecord>,
    @InjectRepository(OptOutRecord) private readonly optOuts: Repository<OptOutRecord>,
  ) {}

  /** Appends every delivery report to the message's history. */
  @OnNativeMessageEvent(MessageStatusChanged)
  async recordStatus(event: MessageStatusChanged): Promise<void> {
    await this.history
      .createQueryBuilder()
      .insert()
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
    await this.inbound
      .createQueryBuilder()
      .insert()
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
    await this.optOuts.upsert({ phoneNumber: event.from, at: event.receivedAt }, ['phoneNumber']);
  }

  /** Forgets the opt-out of a sender who opted back in. */
  @OnNativeMessageEvent(OptInRequested)
  async recordOptIn(event: OptInRequested): Promise<void> {
    await this.optOuts.delete({ phoneNumber: event.from });
  }
}
