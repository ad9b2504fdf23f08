import { Injectable, Module } from '@nestjs/common';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import {
  ClaimOutcome,
  DeliveryKeys,
  IdempotencyStore,
  MessageDelivered,
  NativeMessageConfigurationError,
  NativeMessageModule,
  OnNativeMessageEvent,
  RejectedDelivery,
} from 'nestjs-nativemessage';
import { createDlrPayload, signWebhook } from 'nestjs-nativemessage/testing';
import { deliver } from './support/http';
import { listenOnLoopback, PLATFORMS } from './support/tracker-app';

const SECRET = 'module-setup-secret';

@Injectable()
class DeliveredLog {
  readonly ids: string[] = [];

  @OnNativeMessageEvent(MessageDelivered)
  onDelivered(event: MessageDelivered) {
    this.ids.push(event.messageId);
  }
}

/** A feature module elsewhere in the app: handlers are found wherever they live. */
@Module({ providers: [DeliveredLog], exports: [DeliveredLog] })
class FeatureModule {}

/** Store that counts calls and can be made unreachable. */
class CountingStore extends IdempotencyStore {
  claims = 0;
  down = false;
  private readonly done = new Set<string>();
  claim(keys: DeliveryKeys): Promise<ClaimOutcome> {
    this.claims++;
    if (this.down) return Promise.reject(new Error('connection refused'));
    if (this.done.has(keys.bodySha256)) return Promise.resolve('duplicate');
    return Promise.resolve('claimed');
  }
  complete(keys: DeliveryKeys): Promise<void> {
    this.done.add(keys.bodySha256);
    return Promise.resolve();
  }
  release(): Promise<void> {
    return Promise.resolve();
  }
  recordRejected(_r: RejectedDelivery): Promise<void> {
    return Promise.resolve();
  }
  purgeExpired(): Promise<number> {
    return Promise.resolve(0);
  }
}

async function start(
  platform: string,
  imports: unknown[],
  rawBody = true,
): Promise<{ url: string; close: () => Promise<void>; log: DeliveredLog }> {
  const moduleRef = await Test.createTestingModule({
    imports: imports as never[],
  }).compile();
  const app = moduleRef.createNestApplication(
    platform === 'fastify' ? new FastifyAdapter() : new ExpressAdapter(),
    { rawBody, logger: false },
  );
  const url = await listenOnLoopback(app);
  return { url, close: () => app.close(), log: app.get(DeliveredLog) };
}

describe('module set-up', () => {
  it('refuses to start with one error that lists every problem', async () => {
    const compile = Test.createTestingModule({
      imports: [
        NativeMessageModule.forRoot({
          webhook: { secrets: ['ok', ' padded'], bodyLimit: 0 },
          webhookPath: 'no-slash',
        }),
      ],
    }).compile();
    await expect(compile).rejects.toThrow(NativeMessageConfigurationError);
    await expect(compile).rejects.toThrow(
      /3 problems[\s\S]*webhookPath[\s\S]*secrets\[1\][\s\S]*bodyLimit/,
    );
  });

  it('refuses forRootAsync options without a secret', async () => {
    const compile = Test.createTestingModule({
      imports: [
        NativeMessageModule.forRootAsync({ useFactory: () => ({ webhook: { secrets: [] } }) }),
      ],
    }).compile();
    await expect(compile).rejects.toThrow(/webhook\.secrets must be a non-empty array/);
  });

  describe.each(PLATFORMS)('on %s', (platform) => {
    it('serves forRootAsync options on a custom path and reaches handlers in other modules', async () => {
      const app = await start(platform, [
        FeatureModule,
        NativeMessageModule.forRootAsync({
          webhookPath: '/hooks/sms',
          useFactory: async () => ({ webhook: { secrets: [SECRET] } }),
        }),
      ]);
      try {
        const payload = createDlrPayload();
        const reply = await deliver(`${app.url}/hooks/sms`, signWebhook(payload, SECRET));
        expect(reply.status).toBe(200);
        expect(app.log.ids).toEqual([payload.message_id]);
        const old = await deliver(
          `${app.url}/webhooks/nativemessage`,
          signWebhook(payload, SECRET),
        );
        expect(old.status).toBe(404);
      } finally {
        await app.close();
      }
    });

    it('answers 500 naming the fix when the app was created without rawBody, and publishes nothing', async () => {
      const app = await start(
        platform,
        [FeatureModule, NativeMessageModule.forRoot({ webhook: { secrets: [SECRET] } })],
        false,
      );
      try {
        const reply = await deliver(
          `${app.url}/webhooks/nativemessage`,
          signWebhook(createDlrPayload(), SECRET),
        );
        expect(reply.status).toBe(500);
        expect(reply.json).toEqual({ error: expect.stringContaining('rawBody: true') });
        expect(app.log.ids).toEqual([]);
      } finally {
        await app.close();
      }
    });

    it('uses a store given in the options, and answers 503 with Retry-After when it is unreachable', async () => {
      const store = new CountingStore();
      const app = await start(platform, [
        FeatureModule,
        NativeMessageModule.forRoot({ webhook: { secrets: [SECRET] }, idempotency: { store } }),
      ]);
      try {
        const signed = signWebhook(createDlrPayload(), SECRET);
        store.down = true;
        const unavailable = await deliver(`${app.url}/webhooks/nativemessage`, signed);
        expect(unavailable.status).toBe(503);
        expect(unavailable.headers.get('retry-after')).toBe('5');
        expect(app.log.ids).toEqual([]);
        store.down = false;
        expect((await deliver(`${app.url}/webhooks/nativemessage`, signed)).status).toBe(200);
        expect((await deliver(`${app.url}/webhooks/nativemessage`, signed)).json).toEqual({
          received: true,
          duplicate: true,
        });
        expect(store.claims).toBe(3);
        expect(app.log.ids).toHaveLength(1);
      } finally {
        await app.close();
      }
    });

    it('answers 400 to an empty JSON body', async () => {
      const app = await start(platform, [
        FeatureModule,
        NativeMessageModule.forRoot({ webhook: { secrets: [SECRET] } }),
      ]);
      try {
        const signed = signWebhook('', SECRET);
        const reply = await deliver(`${app.url}/webhooks/nativemessage`, signed);
        expect(reply.status).toBe(400);
        expect(app.log.ids).toEqual([]);
      } finally {
        await app.close();
      }
    });
  });
});
