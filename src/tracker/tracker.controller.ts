import { Controller, Get, NotFoundException, Param } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { supersedesStatus } from 'nestjs-nativemessage';
import { Repository } from 'typeorm';
import { InboundMessageRecord, OptOutRecord, StatusHistoryEntry } from './tracker.entities';

/** A message's current status and every report received for it, in arrival order. */
export interface MessageView {
  messageId: string;
  status: string;
  history: { status: string; errorCode: number | string | null; at: string }[];
}

/** Read side of the delivery tracker. */
@Controller()
export class TrackerController {
  constructor(
    @InjectRepository(StatusHistoryEntry) private readonly history: Repository<StatusHistoryEntry>,
    @InjectRepository(InboundMessageRecord)
    private readonly inbound: Repository<InboundMessageRecord>,
    @InjectRepository(OptOutRecord) private readonly optOuts: Repository<OptOutRecord>,
  ) {}

  /** Status and history of one message; 404 when no report was received for it. */
  @Get('messages/:messageId')
  async message(@Param('messageId') messageId: string): Promise<MessageView> {
    const entries = await this.history.find({ where: { messageId }, order: { id: 'ASC' } });
    if (entries.length === 0)
      throw new NotFoundException(`No delivery report for message ${messageId}`);
    // Reports arrive out of order: the current status never regresses from a final one.
    const status = entries.reduce<string | null>(
      (current, e) => (supersedesStatus(current, e.status) ? e.status : current),
      null,
    );
    return {
      messageId,
      status: status ?? entries[entries.length - 1].status,
      history: entries.map((e) => ({
        status: e.status,
        errorCode: e.errorCode,
        at: e.at.toISOString(),
      })),
    };
  }

  /** Inbound messages, newest first. */
  @Get('inbound-messages')
  async inboundMessages(): Promise<
    { id: string; from: string; to: string; body: string; receivedAt: string }[]
  > {
    const rows = await this.inbound.find({ order: { receivedAt: 'DESC', id: 'DESC' } });
    return rows.map((r) => ({
      id: r.id,
      from: r.from,
      to: r.to,
      body: r.body,
      receivedAt: r.receivedAt.toISOString(),
    }));
  }

  /** Numbers that opted out. */
  @Get('opt-outs')
  async optOutList(): Promise<{ phoneNumber: string; at: string }[]> {
    const rows = await this.optOuts.find({ order: { at: 'DESC', phoneNumber: 'ASC' } });
    return rows.map((r) => ({ phoneNumber: r.phoneNumber, at: r.at.toISOString() }));
  }
}
