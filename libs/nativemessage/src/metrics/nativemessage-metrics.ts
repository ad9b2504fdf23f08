import { Inject, Injectable, OnModuleInit, Optional } from '@nestjs/common';
import type { NativeMessageInboxStore } from '../inbox/inbox-store';
import type { ResolvedNativeMessageOptions } from '../interfaces/nativemessage-options.interface';
import { NATIVEMESSAGE_OPTIONS, NATIVEMESSAGE_STORAGE_INBOX } from '../nativemessage.constants';

/** Attributes attached to a measurement. */
type Attributes = Record<string, string>;

/** The parts of an OpenTelemetry `Meter` the module uses (structural: no hard dependency). */
export interface MeterLike {
  createCounter(
    name: string,
    options?: { description?: string; unit?: string },
  ): {
    add(value: number, attributes?: Attributes): void;
  };
  createHistogram(
    name: string,
    options?: { description?: string; unit?: string },
  ): {
    record(value: number, attributes?: Attributes): void;
  };
  createObservableGauge(
    name: string,
    options?: { description?: string; unit?: string },
  ): {
    addCallback(
      callback: (result: { observe(value: number, attributes?: Attributes): void }) => unknown,
    ): void;
  };
}

/** A MeterProvider: the global one of `@opentelemetry/api`, or one given in the options. */
export interface MeterProviderLike {
  getMeter(name: string, version?: string): MeterLike;
}

/** Why a delivery was refused; the `reason` attribute of `nativemessage.deliveries.rejected`. */
export type RejectionReason =
  | 'media_type'
  | 'too_large'
  | 'body'
  | 'signature'
  | 'validation'
  | 'in_flight'
  | 'store_unavailable'
  | 'misconfigured'
  | 'other';

/** Why a valid delivery was not processed; the `reason` of `nativemessage.deliveries.ignored`. */
export type IgnoreReason = 'unknown_event' | 'replay_window';

const NOOP = () => undefined;

/**
 * The module's metrics, through the OpenTelemetry metrics API. Without an SDK in the host (or without
 * `@opentelemetry/api` installed) every call is a no-op.
 *
 * Counters: `nativemessage.deliveries.received`, `.accepted` (`event_type`), `.duplicate`, `.ignored`
 * (`reason`), `.rejected` (`reason`), `nativemessage.handler.failures` (`event_type`),
 * `nativemessage.inbox.dead_letters`. Histogram: `nativemessage.inbox.lag` (ms from receipt to
 * handled). Gauges: `nativemessage.inbox.backlog` (`state`: pending, processing, dead) and
 * `nativemessage.inbox.oldest_pending_age` (ms).
 */
@Injectable()
export class NativeMessageMetrics implements OnModuleInit {
  /** A delivery reached the webhook route. */
  received: () => void = NOOP;
  /** A delivery was accepted for processing. */
  accepted: (eventType: string) => void = NOOP;
  /** A delivery was a duplicate. */
  duplicate: () => void = NOOP;
  /** A valid delivery was acknowledged without processing. */
  ignored: (reason: IgnoreReason) => void = NOOP;
  /** A delivery was refused. */
  rejected: (reason: RejectionReason) => void = NOOP;
  /** A handler failed. */
  handlerFailed: (eventType: string) => void = NOOP;
  /** A delivery became a dead letter. */
  deadLettered: () => void = NOOP;
  /** A delivery was handled by the inbox dispatcher, `ms` after its receipt. */
  inboxLag: (ms: number) => void = NOOP;

  constructor(
    @Inject(NATIVEMESSAGE_OPTIONS) private readonly options: ResolvedNativeMessageOptions,
    @Optional()
    @Inject(NATIVEMESSAGE_STORAGE_INBOX)
    private readonly inbox: NativeMessageInboxStore | null,
  ) {}

  async onModuleInit(): Promise<void> {
    const provider = this.options.meterProvider ?? (await globalMeterProvider());
    if (provider) this.bind(provider.getMeter('nestjs-nativemessage'));
  }

  private bind(meter: MeterLike): void {
    const counter = (name: string, description: string) =>
      meter.createCounter(name, { description });
    const received = counter(
      'nativemessage.deliveries.received',
      'Deliveries that reached the webhook route',
    );
    const accepted = counter(
      'nativemessage.deliveries.accepted',
      'Deliveries accepted for processing',
    );
    const duplicate = counter('nativemessage.deliveries.duplicate', 'Deliveries seen before');
    const ignored = counter(
      'nativemessage.deliveries.ignored',
      'Valid deliveries acknowledged without processing',
    );
    const rejected = counter('nativemessage.deliveries.rejected', 'Deliveries refused, by reason');
    const failures = counter('nativemessage.handler.failures', 'Handler failures');
    const dead = counter(
      'nativemessage.inbox.dead_letters',
      'Deliveries given up after the maximum attempts',
    );
    const lag = meter.createHistogram('nativemessage.inbox.lag', {
      description: 'Time from receipt to handled, inbox mode',
      unit: 'ms',
    });
    this.received = () => received.add(1);
    this.accepted = (eventType) => accepted.add(1, { event_type: eventType });
    this.duplicate = () => duplicate.add(1);
    this.ignored = (reason) => ignored.add(1, { reason });
    this.rejected = (reason) => rejected.add(1, { reason });
    this.handlerFailed = (eventType) => failures.add(1, { event_type: eventType });
    this.deadLettered = () => dead.add(1);
    this.inboxLag = (ms) => lag.record(ms);

    const inbox = this.inbox;
    if (!inbox || this.options.dispatch !== 'inbox') return;
    meter
      .createObservableGauge('nativemessage.inbox.backlog', { description: 'Inbox rows by state' })
      .addCallback(async (result) => {
        const counts = await inbox.counts(new Date()).catch(() => null);
        if (!counts) return;
        result.observe(counts.pending, { state: 'pending' });
        result.observe(counts.processing, { state: 'processing' });
        result.observe(counts.dead, { state: 'dead' });
      });
    meter
      .createObservableGauge('nativemessage.inbox.oldest_pending_age', {
        description: 'Age of the oldest pending delivery',
        unit: 'ms',
      })
      .addCallback(async (result) => {
        const oldest = await inbox.oldestPendingReceivedAt().catch(() => undefined);
        if (oldest !== undefined) result.observe(oldest ? Date.now() - oldest.getTime() : 0);
      });
  }
}

/** The global MeterProvider of `@opentelemetry/api`, or `null` when the package is not installed. */
async function globalMeterProvider(): Promise<MeterProviderLike | null> {
  try {
    const api = await import('@opentelemetry/api');
    return api.metrics.getMeterProvider();
  } catch {
    return null;
  }
}
