import { Test } from '@nestjs/testing';
import { ExpressAdapter } from '@nestjs/platform-express';
import {
  AggregationTemporality,
  DataPointType,
  MeterProvider,
  MetricReader,
  ResourceMetrics,
} from '@opentelemetry/sdk-metrics';
import { LoggerService } from '@nestjs/common';
import {
  MessageStatusChanged,
  NativeMessageModule,
  OnNativeMessageEvent,
} from 'nestjs-nativemessage';
import { createDlrPayload, createMoPayload, signWebhook } from 'nestjs-nativemessage/testing';
import { Injectable } from '@nestjs/common';
import { deliver, request } from './support/http';
import { postgresEnabled } from './support/postgres';
import { TcpProxy } from './support/tcp-proxy';
import { listenOnLoopback, startTrackerApp, TEST_SECRET } from './support/tracker-app';
import { waitFor } from './support/wait';

/** A pull reader: the test collects when it wants to. */
class TestReader extends MetricReader {
  constructor() {
    super({ aggregationTemporalitySelector: () => AggregationTemporality.CUMULATIVE });
  }
  protected onForceFlush(): Promise<void> {
    return Promise.resolve();
  }
  protected onShutdown(): Promise<void> {
    return Promise.resolve();
  }
}

/** Sum of a counter's points whose attributes include `attributes`. */
function counter(
  metrics: ResourceMetrics,
  name: string,
  attributes: Record<string, string> = {},
): number {
  let total = 0;
  for (const scope of metrics.scopeMetrics) {
    for (const metric of scope.metrics) {
      if (metric.descriptor.name !== name || metric.dataPointType !== DataPointType.SUM) continue;
      for (const point of metric.dataPoints) {
        if (Object.entries(attributes).every(([k, v]) => point.attributes[k] === v))
          total += point.value;
      }
    }
  }
  return total;
}

@Injectable()
class Noop {
  @OnNativeMessageEvent(MessageStatusChanged)
  handle(): void {}
}

describe('metrics through an in-memory OpenTelemetry reader', () => {
  it('counts a scripted mix of accepted, duplicate, ignored and rejected deliveries', async () => {
    const reader = new TestReader();
    const meterProvider = new MeterProvider({ readers: [reader] });
    const moduleRef = await Test.createTestingModule({
      imports: [
        NativeMessageModule.forRoot({
          webhook: { secrets: [TEST_SECRET] },
          metrics: { meterProvider },
        }),
      ],
      providers: [Noop],
    }).compile();
    const app = moduleRef.createNestApplication(new ExpressAdapter(), {
      rawBody: true,
      logger: false,
    });
    const url = `${await listenOnLoopback(app)}/webhooks/nativemessage`;
    try {
      const dlrs = [createDlrPayload(), createDlrPayload(), createDlrPayload()].map((p) =>
        signWebhook(p, TEST_SECRET),
      );
      for (const d of dlrs) expect((await deliver(url, d)).status).toBe(200);
      expect((await deliver(url, signWebhook(createMoPayload(), TEST_SECRET))).status).toBe(200);
      for (const d of dlrs.slice(0, 2))
        expect((await deliver(url, d)).json).toMatchObject({ duplicate: true });
      for (let i = 0; i < 2; i++) {
        expect((await deliver(url, signWebhook(createDlrPayload(), 'wrong-secret'))).status).toBe(
          401,
        );
      }
      expect((await deliver(url, signWebhook({ event: 'dlr' }, TEST_SECRET))).status).toBe(400);
      expect(
        (
          await deliver(
            url,
            signWebhook(createDlrPayload({ pad: 'x'.repeat(70_000) }), TEST_SECRET),
          )
        ).status,
      ).toBe(413);
      const plain = signWebhook(createDlrPayload(), TEST_SECRET);
      expect(
        (
          await deliver(url, {
            ...plain,
            headers: { ...plain.headers, 'content-type': 'text/plain' },
          })
        ).status,
      ).toBe(415);
      expect(
        (await deliver(url, signWebhook({ event: 'message.failed' }, TEST_SECRET))).json,
      ).toMatchObject({ ignored: true });
      const old = createDlrPayload({
        delivered_at: new Date(Date.now() - 4 * 86_400_000).toISOString(),
      });
      expect((await deliver(url, signWebhook(old, TEST_SECRET))).json).toMatchObject({
        ignored: true,
      });

      const { resourceMetrics } = await reader.collect();
      expect(counter(resourceMetrics, 'nativemessage.deliveries.received')).toBe(13);
      expect(counter(resourceMetrics, 'nativemessage.deliveries.accepted')).toBe(4);
      expect(
        counter(resourceMetrics, 'nativemessage.deliveries.accepted', { event_type: 'dlr' }),
      ).toBe(3);
      expect(
        counter(resourceMetrics, 'nativemessage.deliveries.accepted', { event_type: 'mo' }),
      ).toBe(1);
      expect(counter(resourceMetrics, 'nativemessage.deliveries.duplicate')).toBe(2);
      expect(
        counter(resourceMetrics, 'nativemessage.deliveries.rejected', { reason: 'signature' }),
      ).toBe(2);
      expect(
        counter(resourceMetrics, 'nativemessage.deliveries.rejected', { reason: 'validation' }),
      ).toBe(1);
      expect(
        counter(resourceMetrics, 'nativemessage.deliveries.rejected', { reason: 'too_large' }),
      ).toBe(1);
      expect(
        counter(resourceMetrics, 'nativemessage.deliveries.rejected', { reason: 'media_type' }),
      ).toBe(1);
      expect(counter(resourceMetrics, 'nativemessage.deliveries.rejected')).toBe(5);
      expect(
        counter(resourceMetrics, 'nativemessage.deliveries.ignored', { reason: 'unknown_event' }),
      ).toBe(1);
      expect(
        counter(resourceMetrics, 'nativemessage.deliveries.ignored', { reason: 'replay_window' }),
      ).toBe(1);
    } finally {
      await app.close();
      await meterProvider.shutdown();
    }
  });

  it('counts handler failures, dead letters and inbox lag in inbox mode; /metrics shows them', async () => {
    const running = await startTrackerApp({
      platform: 'express',
      dispatch: 'inbox',
      tuning: {
        inbox: { maxAttempts: 2, initialBackoffMs: 20, maxBackoffMs: 40, pollIntervalMs: 30 },
      },
    });
    try {
      running.recorder.failNext(Number.POSITIVE_INFINITY);
      await deliver(
        running.webhookUrl,
        signWebhook(createDlrPayload({ status: 'submitted' }), TEST_SECRET),
      );
      await waitFor(
        async () =>
          (await request(`${running.baseUrl}/metrics`)).text.includes(
            'nativemessage_inbox_dead_letters_total',
          ),
        'the dead letter metric',
      );
      running.recorder.failNext(0);
      await deliver(running.webhookUrl, signWebhook(createDlrPayload(), TEST_SECRET));
      await waitFor(() => running.recorder.events.length === 2, 'the second delivery');
      const text = (await request(`${running.baseUrl}/metrics`)).text;
      expect(text).toMatch(/nativemessage_handler_failures_total\{[^}]*\} 2/);
      expect(text).toMatch(/nativemessage_inbox_dead_letters_total\{[^}]*\} 1/);
      expect(text).toMatch(/nativemessage_inbox_lag_count\{[^}]*\} 1/);
      expect(text).toMatch(/nativemessage_inbox_backlog\{[^}]*state="dead"[^}]*\} 1/);
    } finally {
      await running.close();
    }
  });
});

describe('replay window, with the clock injected', () => {
  const now = new Date('2026-06-15T12:00:00.000Z');
  const at = (offsetMs: number) => new Date(now.getTime() + offsetMs).toISOString();

  describe.each(['inline', 'inbox'] as const)('%s dispatch', (dispatch) => {
    it('acknowledges old and future events without processing them, remembers them, accepts the rest', async () => {
      const running = await startTrackerApp({
        platform: 'express',
        dispatch,
        clock: () => now,
        tuning: { inbox: { pollIntervalMs: 30 } },
      });
      try {
        const old = signWebhook(
          createDlrPayload({ delivered_at: at(-3 * 86_400_000 - 1000) }),
          TEST_SECRET,
        );
        const future = signWebhook(createMoPayload({ received_at: at(6 * 60_000) }), TEST_SECRET);
        const fresh = createDlrPayload({ delivered_at: at(-2 * 86_400_000), status: 'submitted' });
        const skewed = createDlrPayload({ delivered_at: at(4 * 60_000), status: 'submitted' });
        expect((await deliver(running.webhookUrl, old)).json).toEqual({
          received: true,
          ignored: true,
        });
        expect((await deliver(running.webhookUrl, future)).json).toEqual({
          received: true,
          ignored: true,
        });
        expect((await deliver(running.webhookUrl, old)).json).toEqual({
          received: true,
          duplicate: true,
        });
        expect((await deliver(running.webhookUrl, signWebhook(fresh, TEST_SECRET))).json).toEqual({
          received: true,
        });
        expect((await deliver(running.webhookUrl, signWebhook(skewed, TEST_SECRET))).json).toEqual({
          received: true,
        });
        await waitFor(() => running.recorder.events.length === 2, 'the two fresh events');
        expect(
          running.recorder
            .of(MessageStatusChanged)
            .map((e) => e.messageId)
            .sort(),
        ).toEqual([fresh.message_id, skewed.message_id].sort());
        const { delivered_at: _missing, ...noTime } = createDlrPayload();
        const missing = await deliver(running.webhookUrl, signWebhook(noTime, TEST_SECRET));
        expect(missing.status).toBe(400);
        expect((missing.json as { details: string[] }).details.join()).toContain('delivered_at');
      } finally {
        await running.close();
      }
    });
  });
});

describe('out-of-order delivery reports', () => {
  it('keeps a final status when an earlier status arrives after it, with every report in the history', async () => {
    const running = await startTrackerApp({ platform: 'express' });
    try {
      const messageId = `msg_ooo_${Date.now()}`;
      const delivered = createDlrPayload({ message_id: messageId, status: 'delivered' });
      const submitted = createDlrPayload({
        message_id: messageId,
        status: 'submitted',
        delivered_at: new Date(Date.now() - 5000).toISOString(),
      });
      await deliver(running.webhookUrl, signWebhook(delivered, TEST_SECRET));
      await deliver(running.webhookUrl, signWebhook(submitted, TEST_SECRET));
      const view = await request(`${running.baseUrl}/messages/${messageId}`);
      expect(view.json).toMatchObject({
        status: 'delivered',
        history: [{ status: 'delivered' }, { status: 'submitted' }],
      });
      const events = running.recorder.of(MessageStatusChanged);
      expect(events.map((e) => [e.status, e.isFinal])).toEqual([
        ['delivered', true],
        ['submitted', false],
      ]);
    } finally {
      await running.close();
    }
  });
});

describe('logs', () => {
  it('never contain the secret, a signature or a full phone number', async () => {
    const lines: string[] = [];
    const capture: LoggerService = {
      log: (m: unknown, ...rest: unknown[]) => void lines.push([m, ...rest].map(String).join(' ')),
      error: (m: unknown, ...rest: unknown[]) =>
        void lines.push([m, ...rest].map(String).join(' ')),
      warn: (m: unknown, ...rest: unknown[]) => void lines.push([m, ...rest].map(String).join(' ')),
      debug: (m: unknown, ...rest: unknown[]) =>
        void lines.push([m, ...rest].map(String).join(' ')),
      verbose: (m: unknown, ...rest: unknown[]) =>
        void lines.push([m, ...rest].map(String).join(' ')),
    };
    const phone = '+8801799912345';
    const running = await startTrackerApp({ platform: 'express', logger: capture });
    const signatures: string[] = [];
    try {
      const send = async (payload: object, secret = TEST_SECRET) => {
        const signed = signWebhook(payload, secret);
        signatures.push(signed.headers['x-webhook-signature']);
        return deliver(running.webhookUrl, signed);
      };
      await send(createDlrPayload({ destination: phone }));
      await send(createMoPayload({ from: phone, body: 'STOP' }));
      await send(createDlrPayload({ destination: phone }), 'wrong-secret');
      await send({ event: `weird ${phone}`, from: phone });
      await send({ event: 'dlr', destination: phone, message_id: 5 });
      running.recorder.failNext(1, `carrier refused ${phone}`);
      expect((await send(createDlrPayload({ destination: phone }))).status).toBe(500);
    } finally {
      await running.close();
    }
    const all = lines.join('\n');
    // The mix did log (so the checks below can fail), with the number masked.
    expect(all).toContain('***345');
    expect(all).toContain('unknown event type');
    expect(all).not.toContain(phone);
    expect(all).not.toContain(phone.slice(1));
    expect(all).not.toContain(TEST_SECRET);
    for (const signature of signatures) expect(all).not.toContain(signature);
  });
});

describe('hostile host without the route metadata', () => {
  it('shows the host throttler is real: without the metadata the fourth delivery gets 429', async () => {
    const running = await startTrackerApp({
      platform: 'express',
      hostile: 'without-route-metadata',
    });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++) {
        statuses.push(
          (await deliver(running.webhookUrl, signWebhook(createDlrPayload(), TEST_SECRET))).status,
        );
      }
      // The provider's retries would be throttled; the hostile variant of the pipeline suite shows
      // that passing routeMetadata ({ 'THROTTLER:SKIPdefault': true }) prevents it.
      expect(statuses).toEqual([200, 200, 200, 429]);
    } finally {
      await running.close();
    }
  });
});

const describeWithPostgres = postgresEnabled() ? describe : describe.skip;

describeWithPostgres('GET /health of the example app', () => {
  it('turns unhealthy when the database is unreachable, and healthy again after', async () => {
    const proxy = await TcpProxy.start('127.0.0.1', 5432);
    const running = await startTrackerApp({
      platform: 'express',
      database: 'postgres',
      dispatch: 'inbox',
      tuning: { inbox: { pollIntervalMs: 100 } },
      rewriteUrl: (url) => {
        const parsed = new URL(url);
        parsed.port = String(proxy.port);
        return parsed.toString();
      },
    });
    try {
      expect((await request(`${running.baseUrl}/health`)).status).toBe(200);
      proxy.cut('down');
      const down = await request(`${running.baseUrl}/health`);
      expect(down.status).toBe(503);
      expect(down.json).toMatchObject({
        status: 'error',
        error: { nativemessage: { status: 'down' } },
      });
      proxy.restore();
      await waitFor(
        async () => (await request(`${running.baseUrl}/health`)).status === 200,
        'health to recover',
        15_000,
      );
    } finally {
      proxy.restore();
      await running.close();
      await proxy.close();
    }
  }, 40_000);
});

describe('GET /health and the inbox backlog', () => {
  it('turns unhealthy when the backlog passes its threshold, and healthy once it drains', async () => {
    const running = await startTrackerApp({
      platform: 'express',
      dispatch: 'inbox',
      health: { maxBacklog: 2 },
      tuning: { inbox: { pollIntervalMs: 30 } },
    });
    try {
      running.recorder.delayMs = 150;
      for (let i = 0; i < 6; i++) {
        await deliver(
          running.webhookUrl,
          signWebhook(createDlrPayload({ status: 'submitted' }), TEST_SECRET),
        );
      }
      const busy = await request(`${running.baseUrl}/health`);
      expect(busy.status).toBe(503);
      expect(JSON.stringify(busy.json)).toContain('backlog');
      await waitFor(
        async () => (await request(`${running.baseUrl}/health`)).status === 200,
        'the backlog to drain',
      );
      await waitFor(() => running.recorder.events.length === 6, 'every delivery to be handled');
    } finally {
      await running.close();
    }
  });
});
