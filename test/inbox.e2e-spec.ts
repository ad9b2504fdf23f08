import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultSqliteInboxFile } from 'nestjs-nativemessage/typeorm';
import { MessageStatusChanged, NativeMessageInbox } from 'nestjs-nativemessage';
import { createDlrPayload, signWebhook } from 'nestjs-nativemessage/testing';
import { deliver, request } from './support/http';
import { testDatabases } from './support/postgres';
import { RunningApp, startTrackerApp, TEST_SECRET } from './support/tracker-app';
import { waitFor } from './support/wait';

const fastRetries = {
  inbox: { maxAttempts: 3, initialBackoffMs: 50, maxBackoffMs: 200, pollIntervalMs: 50 },
};

describe.each(testDatabases())('inbox dispatch on %s', (database) => {
  let running: RunningApp;
  let inbox: NativeMessageInbox;

  beforeAll(async () => {
    running = await startTrackerApp({
      platform: 'express',
      database,
      dispatch: 'inbox',
      tuning: fastRetries,
    });
    inbox = running.app.get(NativeMessageInbox);
  });
  afterAll(() => running.close());
  beforeEach(() => {
    running.recorder.events.length = 0;
    running.recorder.calls = 0;
    running.recorder.failNext(0);
    running.recorder.delayMs = 0;
  });

  const historyOf = async (messageId: string) => {
    const reply = await request(`${running.baseUrl}/messages/${messageId}`);
    return reply.status === 200 ? (reply.json as { history: unknown[] }).history : [];
  };

  it('answers 200 once committed, then handles the delivery once; a retry is a duplicate', async () => {
    const payload = createDlrPayload();
    const signed = signWebhook(payload, TEST_SECRET);
    const reply = await deliver(running.webhookUrl, signed);
    expect(reply.status).toBe(200);
    expect(reply.json).toEqual({ received: true });
    await waitFor(
      async () => (await historyOf(payload.message_id)).length === 1,
      'the history entry',
    );
    expect(running.recorder.of(MessageStatusChanged)).toHaveLength(1);
    expect(await running.countRows('inbox')).toBeGreaterThan(0);

    const again = await deliver(running.webhookUrl, signed);
    expect(again.json).toEqual({ received: true, duplicate: true });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(running.recorder.of(MessageStatusChanged)).toHaveLength(1);
    expect(await historyOf(payload.message_id)).toHaveLength(1);
  });

  it('retries a handler that fails twice, then records one success', async () => {
    // A "submitted" report publishes MessageStatusChanged only: one recorder call per attempt.
    const payload = createDlrPayload({ status: 'submitted' });
    running.recorder.failNext(2);
    expect((await deliver(running.webhookUrl, signWebhook(payload, TEST_SECRET))).status).toBe(200);
    await waitFor(
      () => running.recorder.of(MessageStatusChanged).length === 1,
      'the third attempt',
    );
    expect(running.recorder.calls).toBe(3);
    expect(await historyOf(payload.message_id)).toHaveLength(1);
    expect(await inbox.counts()).toEqual({ pending: 0, processing: 0, dead: 0 });
  });

  it('turns an always-failing delivery into a dead letter, and replays it once after the fix', async () => {
    const payload = createDlrPayload();
    running.recorder.failNext(Number.POSITIVE_INFINITY);
    expect((await deliver(running.webhookUrl, signWebhook(payload, TEST_SECRET))).status).toBe(200);
    await waitFor(async () => (await inbox.counts()).dead === 1, 'the dead letter');
    expect(running.recorder.calls).toBe(3);
    // The tracker's write of a failed attempt rolled back with it: nothing is half-recorded.
    expect(await historyOf(payload.message_id)).toHaveLength(0);
    const [dead] = await inbox.deadLetters();
    expect(dead).toMatchObject({
      attempts: 3,
      lastError: expect.stringContaining('recorder told to fail'),
    });
    expect(JSON.parse(dead.body)).toEqual(payload);

    running.recorder.failNext(0);
    expect(await inbox.replay(dead.id)).toBe(true);
    await waitFor(() => running.recorder.of(MessageStatusChanged).length === 1, 'the replay');
    expect(await historyOf(payload.message_id)).toHaveLength(1);
    expect(await inbox.counts()).toEqual({ pending: 0, processing: 0, dead: 0 });
    expect(await inbox.replay(dead.id)).toBe(false);
  });

  it('replays every dead letter at once', async () => {
    running.recorder.failNext(Number.POSITIVE_INFINITY);
    const payloads = [createDlrPayload(), createDlrPayload()];
    for (const p of payloads) await deliver(running.webhookUrl, signWebhook(p, TEST_SECRET));
    await waitFor(async () => (await inbox.counts()).dead === 2, 'two dead letters');
    running.recorder.failNext(0);
    expect(await inbox.replayAll()).toBe(2);
    await waitFor(() => running.recorder.of(MessageStatusChanged).length === 2, 'both replays');
    for (const p of payloads) expect(await historyOf(p.message_id)).toHaveLength(1);
  });

  it('answers in well under a second while a handler takes 10 s, and handles the event afterwards', async () => {
    running.recorder.delayMs = 10_000;
    const payload = createDlrPayload();
    const started = Date.now();
    const reply = await deliver(running.webhookUrl, signWebhook(payload, TEST_SECRET));
    const answeredIn = Date.now() - started;
    expect(reply.status).toBe(200);
    expect(answeredIn).toBeLessThan(1000);
    await waitFor(() => running.recorder.calls === 1, 'the slow handler to start');
    // While it runs, more deliveries are still answered at once.
    const second = Date.now();
    expect(
      (await deliver(running.webhookUrl, signWebhook(createDlrPayload(), TEST_SECRET))).status,
    ).toBe(200);
    expect(Date.now() - second).toBeLessThan(1000);
    await waitFor(
      () => running.recorder.of(MessageStatusChanged).length >= 1,
      'the slow handler',
      20_000,
    );
    expect(running.recorder.of(MessageStatusChanged)[0].messageId).toBe(payload.message_id);
  }, 40_000);
});

describe.each(testDatabases())('inbox retention on %s', (database) => {
  it('purges old receipts and handled rows, so the tables stop growing', async () => {
    const running = await startTrackerApp({
      platform: 'express',
      database,
      dispatch: 'inbox',
      tuning: {
        webhook: { maxEventAgeMs: 600 },
        inbox: { pollIntervalMs: 50 },
        idempotency: { retentionMs: 600, purgeIntervalMs: 150 },
      },
    });
    try {
      const sizes: number[] = [];
      for (let round = 0; round < 5; round++) {
        for (let i = 0; i < 20; i++) {
          await deliver(running.webhookUrl, signWebhook(createDlrPayload(), TEST_SECRET));
        }
        await new Promise((resolve) => setTimeout(resolve, 400));
        sizes.push(await running.countRows('receipts'));
      }
      // 100 deliveries were accepted, yet never more than about two rounds are remembered.
      expect(running.recorder.of(MessageStatusChanged)).toHaveLength(100);
      expect(Math.max(...sizes)).toBeLessThanOrEqual(40);
      await waitFor(
        async () => (await running.countRows('receipts')) === 0,
        'the last purge',
        5000,
      );
      await waitFor(async () => (await running.countRows('inbox')) === 0, 'the inbox purge', 5000);
    } finally {
      await running.close();
    }
  }, 30_000);
});

describe('inbox graceful shutdown (sqlite)', () => {
  it('finishes the delivery in flight, releases the rest, and the next start handles them', async () => {
    const sqliteFile = join(tmpdir(), `nm-shutdown-${process.pid}-${Date.now()}.sqlite`);
    const first = await startTrackerApp({
      platform: 'express',
      dispatch: 'inbox',
      sqliteFile,
      tuning: { inbox: { pollIntervalMs: 50 } },
    });
    first.recorder.delayMs = 300;
    const payloads = Array.from({ length: 4 }, () => createDlrPayload({ status: 'submitted' }));
    for (const p of payloads) {
      expect((await deliver(first.webhookUrl, signWebhook(p, TEST_SECRET))).status).toBe(200);
    }
    await waitFor(() => first.recorder.calls === 1, 'the first delivery to start');
    await first.app.close();
    // The delivery in flight was finished before the app closed; the others were left pending.
    const handledFirst = first.recorder.of(MessageStatusChanged).map((e) => e.messageId);
    expect(handledFirst.length).toBeGreaterThanOrEqual(1);
    expect(handledFirst.length).toBeLessThan(4);

    const second = await startTrackerApp({ platform: 'express', dispatch: 'inbox', sqliteFile });
    try {
      await waitFor(
        () => second.recorder.of(MessageStatusChanged).length === 4 - handledFirst.length,
        'the rest to be handled after the restart',
      );
      const handledSecond = second.recorder.of(MessageStatusChanged).map((e) => e.messageId);
      expect([...handledFirst, ...handledSecond].sort()).toEqual(
        payloads.map((p) => p.message_id).sort(),
      );
      expect(await second.app.get(NativeMessageInbox).counts()).toEqual({
        pending: 0,
        processing: 0,
        dead: 0,
      });
    } finally {
      await second.app.close();
      for (const file of [sqliteFile, defaultSqliteInboxFile(sqliteFile)]) {
        for (const suffix of ['', '-wal', '-shm']) rmSync(file + suffix, { force: true });
      }
    }
  });
});
