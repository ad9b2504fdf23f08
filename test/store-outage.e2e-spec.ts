import { MessageStatusChanged } from 'nestjs-nativemessage';
import { createDlrPayload, signWebhook } from 'nestjs-nativemessage/testing';
import { deliver, request } from './support/http';
import { postgresEnabled } from './support/postgres';
import { TcpProxy } from './support/tcp-proxy';
import { RunningApp, startTrackerApp, TEST_SECRET } from './support/tracker-app';
import { waitFor } from './support/wait';

// This suite needs PostgreSQL behind a proxy it can cut; the global set-up decides whether
// PostgreSQL runs (and fails the run when REQUIRE_POSTGRES=1 and it does not).
const describeWithPostgres = postgresEnabled() ? describe : describe.skip;

describeWithPostgres.each(['inbox', 'inline'] as const)(
  'database unreachable during a run (%s dispatch)',
  (dispatch) => {
    let proxy: TcpProxy;
    let running: RunningApp;

    beforeAll(async () => {
      proxy = await TcpProxy.start('127.0.0.1', 5432);
      running = await startTrackerApp({
        platform: 'express',
        database: 'postgres',
        dispatch,
        tuning: { inbox: { pollIntervalMs: 100 } },
        rewriteUrl: (url) => {
          const parsed = new URL(url);
          parsed.hostname = '127.0.0.1';
          parsed.port = String(proxy.port);
          return parsed.toString();
        },
      });
    });
    afterAll(async () => {
      proxy.restore();
      await running.close();
      await proxy.close();
    });

    it('answers 503 with Retry-After and never 200 while down; after recovery the retries are handled once', async () => {
      const before = createDlrPayload();
      expect((await deliver(running.webhookUrl, signWebhook(before, TEST_SECRET))).status).toBe(
        200,
      );

      const during = Array.from({ length: 5 }, () => signWebhook(createDlrPayload(), TEST_SECRET));
      proxy.cut('down');
      for (const signed of during) {
        const started = Date.now();
        const reply = await deliver(running.webhookUrl, signed);
        expect(reply.status).toBe(503);
        expect(reply.headers.get('retry-after')).toBe('5');
        expect(Date.now() - started).toBeLessThan(4000);
      }

      proxy.cut('hang');
      const stalled = Date.now();
      const hung = await deliver(running.webhookUrl, during[0]);
      expect(hung.status).toBe(503);
      expect(Date.now() - stalled).toBeLessThan(4000);

      proxy.restore();
      // The provider retries each delivery; the first retries may still meet a broken pooled connection.
      for (const signed of during) {
        await waitFor(
          async () => (await deliver(running.webhookUrl, signed)).status === 200,
          'the retry to be accepted',
          15_000,
        );
      }
      const ids = [before, ...during.map((s) => JSON.parse(s.body) as { message_id: string })].map(
        (p) => p.message_id,
      );
      for (const id of ids) {
        await waitFor(
          async () => (await request(`${running.baseUrl}/messages/${id}`)).status === 200,
          `message ${id}`,
        );
        const view = await request(`${running.baseUrl}/messages/${id}`);
        expect((view.json as { history: unknown[] }).history).toHaveLength(1);
      }
      const handled = running.recorder.of(MessageStatusChanged).map((e) => e.messageId);
      expect(handled.sort()).toEqual([...ids].sort());
    }, 60_000);
  },
);
