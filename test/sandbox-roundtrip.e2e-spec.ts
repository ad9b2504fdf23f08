import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import {
  InboundMessageReceived,
  MessageStatusChanged,
  NativeMessageSubscriptions,
} from 'nestjs-nativemessage';
import { createDlrPayload, NativeMessageSandbox } from 'nestjs-nativemessage/testing';
import { request } from './support/http';
import { RunningApp, startTrackerApp, TEST_SECRET } from './support/tracker-app';
import { waitFor } from './support/wait';

const run = promisify(execFile);
const ROOT = resolve(__dirname, '..');

/** Runs the `nativemessage` CLI from source, as `node dist/cli/main.js` would run it. */
async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(
      process.execPath,
      ['-r', 'ts-node/register/transpile-only', 'libs/nativemessage/src/cli/main.ts', ...args],
      { cwd: ROOT, env: { ...process.env, TS_NODE_PROJECT: 'tsconfig.json' } },
    );
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('round trip: the example app, the sandbox and the client', () => {
  let sandbox: NativeMessageSandbox;
  let running: RunningApp;

  beforeAll(async () => {
    sandbox = await NativeMessageSandbox.start({ retryScale: 0.001 });
    running = await startTrackerApp({
      platform: 'express',
      dispatch: 'inline',
      tuning: { client: { baseUrl: sandbox.apiBaseUrl, apiKey: 'nmk_test_sandbox' } },
    });
  });
  afterAll(async () => {
    await running.close();
    await sandbox.close();
  });

  it('subscribes the app, and the sandbox test delivery is recorded by the app', async () => {
    const subscriptions = running.app.get(NativeMessageSubscriptions);
    const { subscription, action } = await subscriptions.ensure({
      url: running.webhookUrl,
      events: ['dlr', 'mo'],
      secret: TEST_SECRET,
    });
    expect(action).toBe('created');
    const test = await subscriptions.sendTest(subscription.id);
    const messageId = String(test.message_id);
    await waitFor(
      async () => (await request(`${running.baseUrl}/messages/${messageId}`)).status === 200,
      'the test delivery to be recorded',
    );
    const view = await request(`${running.baseUrl}/messages/${messageId}`);
    expect(view.json).toMatchObject({
      messageId,
      status: 'delivered',
      history: [{ status: 'delivered' }],
    });
    const attempts = sandbox.deliveryAttempts.filter((a) => a.subscriptionId === subscription.id);
    expect(attempts.map((a) => a.status)).toEqual([200]);
  });

  it('retries a delivery the app answers with 5xx on the scaled schedule, and it is handled once', async () => {
    running.recorder.events.length = 0;
    running.recorder.failNext(2);
    const payload = createDlrPayload({ status: 'submitted' });
    const [deliveryId] = sandbox.sendDlr(payload);
    await sandbox.deliveriesSettled();
    const attempts = sandbox.deliveryAttempts.filter((a) => a.deliveryId === deliveryId);
    expect(attempts.map((a) => a.status)).toEqual([500, 500, 200]);
    // 1 min then 5 min, scaled by 0.001: 60 ms then 300 ms.
    const gaps = attempts.slice(1).map((a, i) => a.at.getTime() - attempts[i].at.getTime());
    expect(gaps[0]).toBeGreaterThanOrEqual(55);
    expect(gaps[1]).toBeGreaterThanOrEqual(290);
    expect(running.recorder.of(MessageStatusChanged)).toHaveLength(1);
    const view = await request(`${running.baseUrl}/messages/${payload.message_id}`);
    expect((view.json as { history: unknown[] }).history).toHaveLength(1);
  });

  it('the CLI sends a signed DLR and MO that the app accepts; a wrong secret gets 401', async () => {
    running.recorder.events.length = 0;
    const dlr = await cli([
      'send',
      'dlr',
      '--url',
      running.webhookUrl,
      '--secret',
      TEST_SECRET,
      '--status',
      'failed',
      '--message-id',
      'msg_cli_1',
      '--error-code',
      '2',
    ]);
    expect(dlr.code).toBe(0);
    expect(dlr.stdout).toContain('-> 200 {"received":true}');
    const view = await request(`${running.baseUrl}/messages/msg_cli_1`);
    expect(view.json).toMatchObject({
      status: 'failed',
      history: [{ status: 'failed', errorCode: 2 }],
    });

    const mo = await cli([
      'send',
      'mo',
      '--url',
      running.webhookUrl,
      '--secret',
      TEST_SECRET,
      '--from',
      '+8801712345678',
      '--body',
      'hello from the cli',
      '--shape',
      'guide',
    ]);
    expect(mo.code).toBe(0);
    expect(running.recorder.of(InboundMessageReceived)[0]).toMatchObject({
      from: '+8801712345678',
      body: 'hello from the cli',
    });

    const wrong = await cli([
      'send',
      'dlr',
      '--url',
      running.webhookUrl,
      '--secret',
      'not-the-secret',
    ]);
    expect(wrong.code).toBe(1);
    expect(wrong.stdout).toContain('-> 401 {"error":"invalid signature"}');

    const usage = await cli(['send', 'dlr']);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('send needs --url and --secret');
  }, 60_000);
});

describe('ensureOnStart', () => {
  it('creates the subscription only once the app listens', async () => {
    const sandbox = await NativeMessageSandbox.start();
    const { Test } = await import('@nestjs/testing');
    const { NativeMessageModule } = await import('nestjs-nativemessage');
    const moduleRef = await Test.createTestingModule({
      imports: [
        NativeMessageModule.forRoot({
          webhook: { secrets: [TEST_SECRET] },
          client: {
            baseUrl: sandbox.apiBaseUrl,
            apiKey: 'nmk_test_sandbox',
            ensureOnStart: { url: 'http://127.0.0.1:9/webhooks/nativemessage', events: ['dlr'] },
          },
        }),
      ],
    }).compile();
    const app = moduleRef.createNestApplication({ rawBody: true, logger: false });
    try {
      await app.init();
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(sandbox.subscriptions.size).toBe(0);
      await app.listen(0, '127.0.0.1');
      await waitFor(() => sandbox.subscriptions.size === 1, 'the subscription');
      expect([...sandbox.subscriptions.values()][0]).toMatchObject({
        url: 'http://127.0.0.1:9/webhooks/nativemessage',
        events: ['dlr'],
      });
    } finally {
      await app.close();
      await sandbox.close();
    }
  });
});
