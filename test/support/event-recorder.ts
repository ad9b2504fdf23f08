import { Injectable } from '@nestjs/common';
import {
  HelpRequested,
  InboundMessageReceived,
  MessageDelivered,
  MessageExpired,
  MessageFailed,
  MessageStatusChanged,
  NativeMessageEvent,
  OnNativeMessageEvent,
  OptInRequested,
  OptOutRequested,
  UnknownWebhookReceived,
} from 'nestjs-nativemessage';

/**
 * A real `@OnNativeMessageEvent` handler for tests: records every event it receives, and can be told
 * to fail or to hold an event until released.
 */
@Injectable()
export class EventRecorder {
  readonly events: NativeMessageEvent[] = [];
  /** Every call, including failed ones. */
  calls = 0;
  /** Time each event takes before it is recorded, in ms. */
  delayMs = 0;
  private failures = 0;
  private gate: Promise<void> | null = null;
  private openGate: (() => void) | null = null;
  private entered: (() => void) | null = null;

  /** Events of one class, in arrival order. */
  of<E extends NativeMessageEvent>(eventClass: new (...args: never[]) => E): E[] {
    return this.events.filter((e): e is E => e.constructor === eventClass);
  }

  private failureMessage = 'recorder told to fail';

  /** The next `times` events throw (with `message`) before being recorded. */
  failNext(times: number, message = 'recorder told to fail'): void {
    this.failures = times;
    this.failureMessage = message;
  }

  /** Holds the next events until `release()`; resolves once the first one is being held. */
  hold(): Promise<void> {
    this.gate = new Promise((resolve) => (this.openGate = resolve));
    return new Promise((resolve) => (this.entered = resolve));
  }

  /** Lets held events through. */
  release(): void {
    this.openGate?.();
    this.gate = null;
  }

  private async record(event: NativeMessageEvent): Promise<void> {
    this.calls++;
    if (this.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.delayMs));
    if (this.gate) {
      this.entered?.();
      await this.gate;
    }
    if (this.failures > 0) {
      this.failures--;
      throw new Error(this.failureMessage);
    }
    this.events.push(event);
  }

  @OnNativeMessageEvent(MessageStatusChanged)
  onStatus(e: MessageStatusChanged) {
    return this.record(e);
  }
  @OnNativeMessageEvent(MessageDelivered)
  onDelivered(e: MessageDelivered) {
    return this.record(e);
  }
  @OnNativeMessageEvent(MessageFailed)
  onFailed(e: MessageFailed) {
    return this.record(e);
  }
  @OnNativeMessageEvent(MessageExpired)
  onExpired(e: MessageExpired) {
    return this.record(e);
  }
  @OnNativeMessageEvent(InboundMessageReceived)
  onInbound(e: InboundMessageReceived) {
    return this.record(e);
  }
  @OnNativeMessageEvent(OptOutRequested)
  onOptOut(e: OptOutRequested) {
    return this.record(e);
  }
  @OnNativeMessageEvent(OptInRequested)
  onOptIn(e: OptInRequested) {
    return this.record(e);
  }
  @OnNativeMessageEvent(HelpRequested)
  onHelp(e: HelpRequested) {
    return this.record(e);
  }
  @OnNativeMessageEvent(UnknownWebhookReceived)
  onUnknown(e: UnknownWebhookReceived) {
    return this.record(e);
  }
}
