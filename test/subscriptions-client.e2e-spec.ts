import { Test } from '@nestjs/testing';
import {
  NativeMessageApiError,
  NativeMessageClientOptions,
  NativeMessageConfigurationError,
  NativeMessageModule,
  NativeMessageSubscriptions,
} from 'nestjs-nativemessage';
import { NativeMessageSandbox, NativeMessageSandboxOptions } from 'nestjs-nativemessage/testing';

const API_KEY = 'nmk_test_sandbox';

async function clientFor(
  sandbox: NativeMessageSandbox,
  client: Omit<NativeMessageClientOptions, 'baseUrl'>,
): Promise<NativeMessageSubscriptions> {
  const moduleRef = await Test.createTestingModule({
    imports: [
      NativeMessageModule.forRoot({
        webhook: { secrets: ['unused-here'] },
        client: { baseUrl: sandbox.apiBaseUrl, initialBackoffMs: 20, maxBackoffMs: 100, ...client },
      }),
    ],
  }).compile();
  return moduleRef.get(NativeMessageSubscriptions);
}

async function withSandbox(
  options: NativeMessageSandboxOptions,
  run: (sandbox: NativeMessageSandbox) => Promise<void>,
): Promise<void> {
  const sandbox = await NativeMessageSandbox.start(options);
  try {
    await run(sandbox);
  } finally {
    await sandbox.close();
  }
}

const apiCalls = (sandbox: NativeMessageSandbox, path: string | RegExp) =>
  sandbox.requests.filter((r) => (typeof path === 'string' ? r.path === path : path.test(r.path)));

async function caught(promise: Promise<unknown>): Promise<NativeMessageApiError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof NativeMessageApiError) return error;
    throw error;
  }
  throw new Error('expected a NativeMessageApiError');
}

describe('NativeMessageSubscriptions against the sandbox', () => {
  describe.each([
    ['documented defaults (wh_sub ids, envelope lists, 201)', {}, {}],
    [
      'the other variants (UUID ids, bare arrays, 200, POST /webhooks)',
      { idFormat: 'uuid', listShape: 'array', createStatus: 200 } as const,
      { createPath: '/webhooks' } as const,
    ],
  ])('every method with an API key, %s', (_name, sandboxOptions, clientOptions) => {
    it('creates, lists, gets, updates, tests and deletes', async () => {
      await withSandbox(sandboxOptions, async (sandbox) => {
        const subs = await clientFor(sandbox, { apiKey: API_KEY, ...clientOptions });
        const created = await subs.create({
          url: 'http://127.0.0.1:9/hook',
          events: ['dlr'],
          secret: 'whsec_given_secret',
        });
        expect(created.id).toMatch(
          'idFormat' in sandboxOptions ? /^[0-9a-f-]{36}$/ : /^wh_sub_[0-9a-f]{16}$/,
        );
        expect(created).toMatchObject({
          url: 'http://127.0.0.1:9/hook',
          events: ['dlr'],
          status: 'active',
        });
        expect(created.secret).toBe('whsec_given_secret');
        expect(created.createdAt).toBeInstanceOf(Date);

        expect((await subs.list()).map((s) => s.id)).toEqual([created.id]);
        expect((await subs.get(created.id)).url).toBe('http://127.0.0.1:9/hook');
        const updated = await subs.update(created.id, { events: ['dlr', 'mo'] });
        expect(updated.events).toEqual(['dlr', 'mo']);
        expect(sandbox.subscriptions.get(created.id)?.events).toEqual(['dlr', 'mo']);

        const test = await subs.sendTest(created.id);
        expect(test.message_id).toMatch(/^msg_test_/);

        await subs.delete(created.id);
        expect(sandbox.subscriptions.size).toBe(0);
        expect(await subs.list()).toEqual([]);
        expect(sandbox.requests.every((r) => r.auth === 'api-key')).toBe(true);
      });
    });
  });

  it('lists across pages', async () => {
    await withSandbox({ rateLimit: { limit: 1000, windowMs: 60_000 } }, async (sandbox) => {
      const subs = await clientFor(sandbox, { apiKey: API_KEY });
      for (let i = 0; i < 130; i++)
        await subs.create({ url: `http://127.0.0.1:9/h${i}`, events: ['dlr'] });
      const all = await subs.list();
      expect(all).toHaveLength(130);
      expect(new Set(all.map((s) => s.id)).size).toBe(130);
      expect(
        apiCalls(sandbox, '/webhooks/subscriptions').filter((r) => r.method === 'GET'),
      ).toHaveLength(2);
    });
  });

  it('ensure() creates once, then leaves alone, then updates the events', async () => {
    await withSandbox({}, async (sandbox) => {
      const subs = await clientFor(sandbox, { apiKey: API_KEY });
      const target = { url: 'http://127.0.0.1:9/hook', events: ['dlr', 'mo'] };
      expect((await subs.ensure(target)).action).toBe('created');
      expect((await subs.ensure({ ...target, url: `${target.url}/` })).action).toBe('unchanged');
      expect((await subs.ensure({ ...target, events: ['mo', 'dlr'] })).action).toBe('unchanged');
      const updated = await subs.ensure({ ...target, events: ['dlr'] });
      expect(updated.action).toBe('updated');
      expect(updated.subscription.events).toEqual(['dlr']);
      expect(sandbox.subscriptions.size).toBe(1);
    });
  });

  it('uses a static bearer token, and reports its expiry as a typed 401', async () => {
    await withSandbox({ accessTokenTtlMs: 1000 }, async (sandbox) => {
      const login = await fetch(`${sandbox.apiBaseUrl}/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'sandbox', password: 'sandbox' }),
      });
      const { access_token: token } = (await login.json()) as { access_token: string };
      const subs = await clientFor(sandbox, { bearerToken: token });
      expect(await subs.list()).toEqual([]);
      await new Promise((resolve) => setTimeout(resolve, 1100));
      const error = await caught(subs.list());
      expect(error).toMatchObject({
        status: 401,
        providerError: 'token expired or invalid',
        reason: 'http',
      });
      expect(error.message).not.toContain(token);
    });
  });

  describe.each(['header', 'body'] as const)(
    'username and password (refresh token in the %s)',
    (refreshTokenIn) => {
      it('logs in once for concurrent calls, refreshes before expiry once, keeps rotated refresh tokens', async () => {
        await withSandbox({ accessTokenTtlMs: 1200 }, async (sandbox) => {
          const subs = await clientFor(sandbox, {
            username: 'sandbox',
            password: 'sandbox',
            refreshTokenIn,
          });
          await Promise.all(Array.from({ length: 10 }, () => subs.list()));
          expect(apiCalls(sandbox, '/auth/login')).toHaveLength(1);

          // Past three quarters of the lifetime: the next calls share one refresh.
          for (let round = 1; round <= 3; round++) {
            await new Promise((resolve) => setTimeout(resolve, 1000));
            await Promise.all(Array.from({ length: 10 }, () => subs.list()));
            expect(apiCalls(sandbox, '/auth/refresh').filter((r) => r.status === 200)).toHaveLength(
              round,
            );
          }
          expect(apiCalls(sandbox, '/auth/login')).toHaveLength(1);
          expect(apiCalls(sandbox, '/webhooks/subscriptions').every((r) => r.status === 200)).toBe(
            true,
          );
        });
      }, 15_000);
    },
  );

  it('logs in again once when the refresh token was revoked', async () => {
    await withSandbox({ accessTokenTtlMs: 800 }, async (sandbox) => {
      const subs = await clientFor(sandbox, { username: 'sandbox', password: 'sandbox' });
      await subs.list();
      sandbox.revokeRefreshTokens();
      await new Promise((resolve) => setTimeout(resolve, 700));
      expect(await subs.list()).toEqual([]);
      expect(apiCalls(sandbox, '/auth/refresh').map((r) => r.status)).toEqual([401]);
      expect(apiCalls(sandbox, '/auth/login').map((r) => r.status)).toEqual([200, 200]);
    });
  });

  it('reports wrong credentials as a typed 401 without echoing them', async () => {
    await withSandbox({}, async (sandbox) => {
      const subs = await clientFor(sandbox, {
        username: 'sandbox',
        password: 'wrong-password-123',
      });
      const error = await caught(subs.list());
      expect(error).toMatchObject({
        status: 401,
        method: 'POST',
        path: '/auth/login',
        providerError: 'invalid credentials',
      });
      expect(error.message).not.toContain('wrong-password-123');
    });
  });

  it('waits for the rate-limit reset on 429 and then succeeds', async () => {
    await withSandbox({ rateLimit: { limit: 3, windowMs: 1500 } }, async (sandbox) => {
      const subs = await clientFor(sandbox, { apiKey: API_KEY, maxAttempts: 3 });
      const started = Date.now();
      for (let i = 0; i < 5; i++) await subs.list();
      expect(
        apiCalls(sandbox, '/webhooks/subscriptions').filter((r) => r.status === 429),
      ).toHaveLength(1);
      // The reset is a whole second in X-RateLimit-Reset: the client waited for it.
      expect(Date.now() - started).toBeGreaterThanOrEqual(300);
    });
  });

  it('gives up with a typed 429 when the reset is further than it may wait', async () => {
    await withSandbox({ rateLimit: { limit: 1, windowMs: 60_000 } }, async (sandbox) => {
      const subs = await clientFor(sandbox, { apiKey: API_KEY, maxRateLimitWaitMs: 1000 });
      await subs.list();
      const error = await caught(subs.list());
      expect(error).toMatchObject({
        status: 429,
        reason: 'rate-limited',
        providerError: 'rate limit exceeded',
      });
    });
  });

  it('retries 5xx on idempotent calls only', async () => {
    await withSandbox({}, async (sandbox) => {
      const subs = await clientFor(sandbox, { apiKey: API_KEY });
      sandbox.failNext(2, 503);
      expect(await subs.list()).toEqual([]);
      expect(apiCalls(sandbox, '/webhooks/subscriptions').map((r) => r.status)).toEqual([
        503, 503, 200,
      ]);

      sandbox.failNext(1, 500);
      const error = await caught(subs.create({ url: 'http://127.0.0.1:9/x', events: ['dlr'] }));
      expect(error).toMatchObject({ status: 500, method: 'POST', attempts: 1 });
      expect(sandbox.subscriptions.size).toBe(0);

      sandbox.failNext(10, 502);
      const exhausted = await caught(subs.list());
      expect(exhausted).toMatchObject({ status: 502, attempts: 4 });
    });
  });

  it('times out slow answers: retried when idempotent, reported when not', async () => {
    await withSandbox({}, async (sandbox) => {
      const subs = await clientFor(sandbox, { apiKey: API_KEY, timeoutMs: 200 });
      sandbox.delayNext(1, 600);
      expect(await subs.list()).toEqual([]);
      sandbox.delayNext(1, 600);
      const error = await caught(subs.create({ url: 'http://127.0.0.1:9/x', events: ['dlr'] }));
      expect(error).toMatchObject({ status: null, reason: 'timeout', attempts: 1 });
    });
  });

  it('reports provider errors with status, text, method and path', async () => {
    await withSandbox({}, async (sandbox) => {
      const subs = await clientFor(sandbox, { apiKey: API_KEY });
      const missing = await caught(subs.get('wh_sub_0000000000000000'));
      expect(missing).toMatchObject({
        status: 404,
        providerError: 'subscription not found',
        method: 'GET',
        path: '/webhooks/subscriptions/wh_sub_0000000000000000',
      });
      const invalid = await caught(subs.create({ url: 'not a url', events: ['dlr'] }));
      expect(invalid).toMatchObject({ status: 400, providerError: 'url must be an http(s) URL' });
      expect(invalid.message).not.toContain(API_KEY);
      await expect(subs.get('../../auth/login')).rejects.toThrow(TypeError);
    });
  });

  it('reports an unreachable API as a typed network error', async () => {
    const sandbox = await NativeMessageSandbox.start();
    const subs = await clientFor(sandbox, { apiKey: API_KEY, maxAttempts: 2 });
    await sandbox.close();
    const error = await caught(subs.list());
    expect(error).toMatchObject({ status: null, reason: 'network', attempts: 2 });
  });

  it('refuses client options without exactly one way to authenticate', async () => {
    const compile = (client: NativeMessageClientOptions) =>
      Test.createTestingModule({
        imports: [NativeMessageModule.forRoot({ webhook: { secrets: ['s'] }, client })],
      }).compile();
    await expect(compile({})).rejects.toThrow(NativeMessageConfigurationError);
    await expect(compile({ apiKey: 'k', bearerToken: 't' })).rejects.toThrow(/exactly one way/);
    await expect(compile({ username: 'u' })).rejects.toThrow(
      /username and client.password go together/,
    );
    await expect(compile({ apiKey: ' k ' })).rejects.toThrow(/client.apiKey/);
  });
});
