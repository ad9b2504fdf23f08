// Compile-time checks, run by `tsc --noEmit` (npm run lint and CI): the handler's parameter must
// accept the subscribed event class. Each @ts-expect-error fails the build if the error goes away.
import { Injectable } from '@nestjs/common';
import {
  InboundMessageReceived,
  MessageDelivered,
  MessageStatusChanged,
  OnNativeMessageEvent,
} from 'nestjs-nativemessage';

@Injectable()
export class TypedHandlers {
  @OnNativeMessageEvent(MessageDelivered)
  delivered(event: MessageDelivered): string {
    return event.messageId;
  }

  @OnNativeMessageEvent(MessageDelivered)
  async asBaseClass(event: MessageStatusChanged): Promise<void> {
    await Promise.resolve(event.status);
  }

  // @ts-expect-error an inbound-message handler cannot subscribe to delivery reports
  @OnNativeMessageEvent(MessageDelivered)
  wrongEvent(event: InboundMessageReceived): string {
    return event.body;
  }
}
