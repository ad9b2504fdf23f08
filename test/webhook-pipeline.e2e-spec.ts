import {
  InboundMessageReceived,
  MessageDelivered,
  MessageExpired,
  MessageFailed,
  MessageStatusChanged,
  OptInRequested,
  OptOutRequested,
  HelpRequested,
  UnknownWebhookReceived,
} from 'nestjs-nativemessage';
import {
  createDlrPayload,
  createMoGuidePayload,
  createMoPayload,
  signWebhook,
} from 'nestjs-nativemessage/testing';
import { StatusHistoryEntry } from '../src/tracker/tracker.entities';
import { deliver, request } from './support/http';
import { testDatabases } from './support/postgres';
import {
  OLD_SECRET,
  PLATFORMS,
  RunningApp,
  startTrackerApp,
  TEST_SECRET,
} from './support/tracker-app';

/**
 * Memory receipts once per platform; the TypeORM store on every database; and the TypeORM store in a
 * hostile host (global auth guard, throttler, exception filter, strict ValidationPipe).
 */
const matrix = PLATFORMS.flatMap((platform) => [
  [platform, 'sqlite', 'memory', false] as const,
  ...testDatabases().map((database) => [platform, database, 'database', false] as const),
  [platform, 'sqlite', 'database', true] as const,
]);

describe.each(matrix)(
  'webhook pipeline on %s, app on %s, receipts in %s, hostile host: %s',
  (platform, database, receiptStore, hostile) => {
    let running: RunningApp;

    beforeAll(async () => {
      running = await startTrackerApp({ platform, database, receiptStore, hostile });
    });
    afterAll(() => running.close());
    beforeEach(() => {
      running.recorder.events.length = 0;
      running.recorder.failNext(0);
    });

    const historyRows = () => running.dataSource.getRepository(StatusHistoryEntry).count();

    describe('valid, first time', () => {
      it('answers 200, publishes typed DLR events and the app stores the status', async () => {
        const payload = createDlrPayload({ status: 'delivered', error_code: null, carrier: 'GP' });
        const reply = await deliver(running.webhookUrl, signWebhook(payload, TEST_SECRET));

        expect(reply.status).toBe(200);
        expect(reply.json).toEqual({ received: true });
        const [changed] = running.recorder.of(MessageStatusChanged);
        expect(changed).toMatchObject({
          messageId: payload.message_id,
          status: 'delivered',
          errorCode: null,
          destination: payload.destination,
        });
        expect(changed.statusAt.toISOString()).toBe(payload.delivered_at);
        expect(changed.raw).toEqual(payload);
        expect(changed.raw.carrier).toBe('GP');
        expect(running.recorder.of(MessageDelivered)).toHaveLength(1);
        expect(running.recorder.events.map((e) => e.constructor)).toEqual([
          MessageStatusChanged,
          MessageDelivered,
        ]);

        const view = await request(`${running.baseUrl}/messages/${payload.message_id}`);
        expect(view.status).toBe(200);
        expect(view.json).toEqual({
          messageId: payload.message_id,
          status: 'delivered',
          history: [{ status: 'delivered', errorCode: null, at: payload.delivered_at }],
        });
      });

      it.each([
        ['failed', 1, MessageFailed],
        ['rejected', 'INVALID_NUMBER', MessageFailed],
        ['expired', null, MessageExpired],
      ] as const)(
        'a %s report publishes its specific event with error code %p',
        async (status, code, Specific) => {
          const payload = createDlrPayload({ status, error_code: code });
          const reply = await deliver(running.webhookUrl, signWebhook(payload, TEST_SECRET));
          expect(reply.status).toBe(200);
          expect(running.recorder.of(Specific)).toHaveLength(1);
          expect(running.recorder.of(Specific)[0].errorCode).toBe(code);
          const view = await request(`${running.baseUrl}/messages/${payload.message_id}`);
          expect(view.json).toMatchObject({ status, history: [{ status, errorCode: code }] });
        },
      );

      it('accepts an unknown status as a MessageStatusChanged with that status', async () => {
        const payload = createDlrPayload({ status: 'BUFFERED_AT_CARRIER' });
        const reply = await deliver(running.webhookUrl, signWebhook(payload, TEST_SECRET));
        expect(reply.status).toBe(200);
        expect(running.recorder.events).toHaveLength(1);
        expect(running.recorder.of(MessageStatusChanged)[0].status).toBe('buffered_at_carrier');
        expect(running.recorder.of(MessageStatusChanged)[0].raw.status).toBe('BUFFERED_AT_CARRIER');
      });

      it('accepts a report without error_code as errorCode null', async () => {
        const { error_code: _omitted, ...payload } = createDlrPayload({ status: 'submitted' });
        const reply = await deliver(running.webhookUrl, signWebhook(payload, TEST_SECRET));
        expect(reply.status).toBe(200);
        expect(running.recorder.of(MessageStatusChanged)[0].errorCode).toBeNull();
      });

      it.each([
        ['quickstart', createMoPayload({ body: 'Hi there', to: 'BRAND' })],
        ['guide', createMoGuidePayload({ content: 'Hi there' })],
      ])(
        'normalises the %s MO shape to InboundMessageReceived and the app lists it',
        async (_shape, payload) => {
          const reply = await deliver(running.webhookUrl, signWebhook(payload, TEST_SECRET));
          expect(reply.status).toBe(200);
          const [event] = running.recorder.of(InboundMessageReceived);
          const id = 'id' in payload ? payload.id : payload.message_id;
          const from = 'from' in payload ? payload.from : payload.source;
          const to = 'to' in payload ? payload.to : payload.destination;
          expect(event).toMatchObject({ messageId: id, from, to, body: 'Hi there' });
          expect(event.receivedAt.toISOString()).toBe(payload.received_at);
          const list = await request(`${running.baseUrl}/inbound-messages`);
          expect(list.json).toEqual(
            expect.arrayContaining([
              { id, from, to, body: 'Hi there', receivedAt: payload.received_at },
            ]),
          );
        },
      );

      it('lists inbound messages newest first', async () => {
        const older = createMoPayload({
          received_at: new Date(Date.now() - 3600_000).toISOString(),
        });
        const newer = createMoPayload({
          received_at: new Date(Date.now() - 60_000).toISOString(),
        });
        await deliver(running.webhookUrl, signWebhook(older, TEST_SECRET));
        await deliver(running.webhookUrl, signWebhook(newer, TEST_SECRET));
        const list = (await request(`${running.baseUrl}/inbound-messages`)).json as {
          id: string;
        }[];
        const ids = list.map((m) => m.id);
        expect(ids.indexOf(newer.id)).toBeLessThan(ids.indexOf(older.id));
      });

      it('turns opt-out, opt-in and help keywords into events, case- and space-insensitively', async () => {
        const from = '+8801799999999';
        await deliver(
          running.webhookUrl,
          signWebhook(createMoPayload({ from, body: '  stop \n' }), TEST_SECRET),
        );
        expect(running.recorder.of(OptOutRequested)).toHaveLength(1);
        expect(running.recorder.of(OptOutRequested)[0].keyword).toBe('STOP');
        let optOuts = (await request(`${running.baseUrl}/opt-outs`)).json as {
          phoneNumber: string;
        }[];
        expect(optOuts.map((o) => o.phoneNumber)).toContain(from);

        await deliver(
          running.webhookUrl,
          signWebhook(createMoGuidePayload({ source: from, content: 'Start' }), TEST_SECRET),
        );
        expect(running.recorder.of(OptInRequested)).toHaveLength(1);
        optOuts = (await request(`${running.baseUrl}/opt-outs`)).json as { phoneNumber: string }[];
        expect(optOuts.map((o) => o.phoneNumber)).not.toContain(from);

        await deliver(
          running.webhookUrl,
          signWebhook(createMoPayload({ body: 'info' }), TEST_SECRET),
        );
        expect(running.recorder.of(HelpRequested)).toHaveLength(1);
        await deliver(
          running.webhookUrl,
          signWebhook(createMoPayload({ body: 'stop please' }), TEST_SECRET),
        );
        expect(running.recorder.of(OptOutRequested)).toHaveLength(1);
        expect(running.recorder.of(InboundMessageReceived)).toHaveLength(4);
      });
    });

    describe('signatures', () => {
      it.each([
        ['prefixed with sha256=', (s: string) => `sha256=${s}`],
        ['in uppercase hex', (s: string) => s.toUpperCase()],
      ])('accepts a signature %s', async (_name, transform) => {
        const signed = signWebhook(createDlrPayload(), TEST_SECRET);
        signed.headers['x-webhook-signature'] = transform(signed.headers['x-webhook-signature']);
        const reply = await deliver(running.webhookUrl, signed);
        expect(reply.status).toBe(200);
        expect(running.recorder.events).toHaveLength(2);
      });

      it('accepts the previous secret during a rotation', async () => {
        const reply = await deliver(
          running.webhookUrl,
          signWebhook(createDlrPayload(), OLD_SECRET),
        );
        expect(reply.status).toBe(200);
      });

      it.each([
        ['missing', undefined],
        ['malformed', 'not-a-signature'],
        ['of another secret', 'wrong-secret'],
        ['of other bytes', 'other-bytes'],
        ['truncated', 'truncated'],
      ])(
        'answers 401 to a signature that is %s, stores nothing and publishes nothing',
        async (_name, kind) => {
          const payload = createDlrPayload();
          const signed = signWebhook(payload, kind === 'wrong-secret' ? 'wrong' : TEST_SECRET);
          const sig = signed.headers['x-webhook-signature'];
          if (kind === undefined) delete signed.headers['x-webhook-signature'];
          if (kind === 'not-a-signature') signed.headers['x-webhook-signature'] = 'abc123';
          if (kind === 'truncated') signed.headers['x-webhook-signature'] = sig.slice(0, 63);
          const body = kind === 'other-bytes' ? signed.body.replace('dlr', 'dlr ') : signed.body;
          const before = await historyRows();
          const reply = await deliver(running.webhookUrl, { ...signed, body });
          expect(reply.status).toBe(401);
          expect(reply.json).toEqual({ error: 'invalid signature' });
          expect(running.recorder.events).toHaveLength(0);
          expect(await historyRows()).toBe(before);
          expect((await request(`${running.baseUrl}/messages/${payload.message_id}`)).status).toBe(
            404,
          );
        },
      );
    });

    describe('bodies and headers', () => {
      it('answers 413 to a signed body over the 64 KiB limit', async () => {
        const signed = signWebhook(
          createDlrPayload({ padding: 'x'.repeat(70 * 1024) }),
          TEST_SECRET,
        );
        const reply = await deliver(running.webhookUrl, signed);
        expect(reply.status).toBe(413);
        expect(reply.json).toEqual({ error: 'payload too large: the limit is 65536 bytes' });
        expect(running.recorder.events).toHaveLength(0);
      });

      it('answers 413 to a body over the HTTP parser limit as well', async () => {
        const signed = signWebhook(
          createDlrPayload({ padding: 'x'.repeat(2 * 1024 * 1024) }),
          TEST_SECRET,
        );
        const reply = await deliver(running.webhookUrl, signed);
        if (hostile) {
          // The platform's body parser refuses this before any route runs, so the module cannot
          // answer it: the host's own global filter does (this one turns it into a 500). README, FAQ.
          expect(reply.json).toMatchObject({ hostError: 'rewritten by the host' });
        } else {
          expect(reply.status).toBe(413);
        }
        expect(running.recorder.events).toHaveLength(0);
      });

      it.each(['text/plain', 'application/x-www-form-urlencoded'])(
        'answers 415 to content type %s',
        async (type) => {
          const signed = signWebhook(createDlrPayload(), TEST_SECRET);
          const reply = await deliver(running.webhookUrl, {
            ...signed,
            headers: { ...signed.headers, 'content-type': type },
          });
          expect(reply.status).toBe(415);
          expect(running.recorder.events).toHaveLength(0);
        },
      );

      it('answers 400 to JSON that does not parse', async () => {
        const signed = signWebhook('{"event":"dlr",', TEST_SECRET);
        const reply = await deliver(running.webhookUrl, signed);
        expect(reply.status).toBe(400);
        expect(running.recorder.events).toHaveLength(0);
      });

      it('answers 400 to a malformed X-Webhook-ID', async () => {
        const signed = signWebhook(createDlrPayload(), TEST_SECRET, { webhookId: 'x'.repeat(201) });
        const reply = await deliver(running.webhookUrl, signed);
        expect(reply.status).toBe(400);
        expect(reply.json).toMatchObject({ error: expect.stringContaining('X-Webhook-ID') });
        expect(running.recorder.events).toHaveLength(0);
      });
    });

    describe('validation', () => {
      it('answers 400 with field errors to a signed DLR that fails validation, keeps a rejected copy and publishes nothing', async () => {
        const payload = {
          ...createDlrPayload(),
          message_id: 42,
          delivered_at: 'yesterday',
          error_code: {},
        };
        const before = await historyRows();
        const reply = await deliver(running.webhookUrl, signWebhook(payload, TEST_SECRET));
        expect(reply.status).toBe(400);
        const body = reply.json as { error: string; details: string[] };
        expect(body.error).toBe('validation failed');
        expect(body.details).toEqual(
          expect.arrayContaining([
            expect.stringContaining('message_id'),
            expect.stringContaining('delivered_at'),
            expect.stringContaining('error_code'),
          ]),
        );
        expect(running.recorder.events).toHaveLength(0);
        expect(await historyRows()).toBe(before);
        expect((await running.rejectedBodies()).at(-1)).toBe(JSON.stringify(payload));
      });

      it.each([
        ['a JSON array', '[1,2]'],
        ['a body without event', '{"message_id":"m"}'],
        [
          'an MO without body',
          JSON.stringify({
            event: 'mo',
            id: 'x',
            from: '+1',
            to: 'B',
            received_at: new Date().toISOString(),
          }),
        ],
      ])('answers 400 to %s', async (_name, body) => {
        const reply = await deliver(running.webhookUrl, signWebhook(body, TEST_SECRET));
        expect(reply.status).toBe(400);
        expect(running.recorder.events).toHaveLength(0);
      });

      it('answers 200 ignored to an unknown event type and publishes UnknownWebhookReceived', async () => {
        const payload = { event: 'message.delivered', message_id: 'msg_x', note: 'undocumented' };
        const reply = await deliver(running.webhookUrl, signWebhook(payload, TEST_SECRET));
        expect(reply.status).toBe(200);
        expect(reply.json).toEqual({ received: true, ignored: true });
        const [event] = running.recorder.of(UnknownWebhookReceived);
        expect(event.eventType).toBe('message.delivered');
        expect(event.raw).toEqual(payload);
        expect((await request(`${running.baseUrl}/messages/msg_x`)).status).toBe(404);
      });
    });

    describe('idempotency', () => {
      it('answers a repeated X-Webhook-ID with 200 duplicate and publishes nothing more', async () => {
        const payload = createDlrPayload();
        const signed = signWebhook(payload, TEST_SECRET, { webhookId: 'wh_repeat_1' });
        expect((await deliver(running.webhookUrl, signed)).status).toBe(200);
        const again = await deliver(running.webhookUrl, signed);
        expect(again.status).toBe(200);
        expect(again.json).toEqual({ received: true, duplicate: true });
        const otherBody = signWebhook(createDlrPayload(), TEST_SECRET, {
          webhookId: 'wh_repeat_1',
        });
        expect((await deliver(running.webhookUrl, otherBody)).json).toEqual({
          received: true,
          duplicate: true,
        });
        expect(running.recorder.events).toHaveLength(2);
        const view = await request(`${running.baseUrl}/messages/${payload.message_id}`);
        expect((view.json as { history: unknown[] }).history).toHaveLength(1);
      });

      it('treats the same body without X-Webhook-ID as the same delivery', async () => {
        const payload = createDlrPayload();
        const first = signWebhook(payload, TEST_SECRET, { webhookId: null });
        expect((await deliver(running.webhookUrl, first)).json).toEqual({ received: true });
        expect(running.recorder.events[0].delivery.deliveryId).toMatch(/^sha256:[0-9a-f]{64}$/);
        const second = signWebhook(payload, TEST_SECRET, { webhookId: 'wh_new_id' });
        expect((await deliver(running.webhookUrl, second)).json).toEqual({
          received: true,
          duplicate: true,
        });
        expect(running.recorder.events).toHaveLength(2);
      });

      it('answers 409 with Retry-After to a duplicate while the first is in flight', async () => {
        const signed = signWebhook(createDlrPayload(), TEST_SECRET);
        const held = running.recorder.hold();
        const first = deliver(running.webhookUrl, signed);
        await held;
        const concurrent = await deliver(running.webhookUrl, signed);
        expect(concurrent.status).toBe(409);
        expect(concurrent.headers.get('retry-after')).toBe('5');
        running.recorder.release();
        expect((await first).status).toBe(200);
        expect(running.recorder.events).toHaveLength(2);
      });

      it('answers 500 when a handler throws, releases the claim, and the retry is handled once', async () => {
        const payload = createDlrPayload();
        const signed = signWebhook(payload, TEST_SECRET);
        running.recorder.failNext(1);
        const failed = await deliver(running.webhookUrl, signed);
        expect(failed.status).toBe(500);
        expect(failed.json).toEqual({ error: 'processing failed' });

        const retried = await deliver(running.webhookUrl, signed);
        expect(retried.status).toBe(200);
        expect(retried.json).toEqual({ received: true });
        expect(running.recorder.of(MessageStatusChanged)).toHaveLength(1);
        const view = await request(`${running.baseUrl}/messages/${payload.message_id}`);
        expect((view.json as { history: unknown[] }).history).toHaveLength(1);
      });

      it('handles 20 concurrent identical deliveries exactly once; every answer is 200 or 409', async () => {
        const payload = createDlrPayload();
        const signed = signWebhook(payload, TEST_SECRET);
        const replies = await Promise.all(
          Array.from({ length: 20 }, () => deliver(running.webhookUrl, signed)),
        );
        for (const reply of replies) expect([200, 409]).toContain(reply.status);
        expect(
          replies.filter(
            (r) => r.status === 200 && (r.json as { duplicate?: boolean }).duplicate !== true,
          ),
        ).toHaveLength(1);
        expect(running.recorder.of(MessageStatusChanged)).toHaveLength(1);
        const view = await request(`${running.baseUrl}/messages/${payload.message_id}`);
        expect((view.json as { history: unknown[] }).history).toHaveLength(1);
      });
    });

    it('answers 404 for a message without reports', async () => {
      const reply = await request(`${running.baseUrl}/messages/msg_never_seen`);
      expect(reply.status).toBe(404);
    });
  },
);
