import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { INestApplication, Provider } from '@nestjs/common';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { DataSource } from 'typeorm';
import { AppModule } from '../../src/app.module';
import type { Platform } from '../../src/app.factory';
import { EventRecorder } from './event-recorder';

/** Secret the test apps are started with. */
export const TEST_SECRET = 'whsec_test_3f9a1c';
/** Second secret, for rotation tests. */
export const OLD_SECRET = 'whsec_old_7b2e44';

/** Platforms every webhook suite runs on. */
export const PLATFORMS: Platform[] = ['express', 'fastify'];

/** A running example app with a recorder handler beside its own handlers. */
export interface RunningApp {
  app: INestApplication;
  baseUrl: string;
  webhookUrl: string;
  recorder: EventRecorder;
  dataSource: DataSource;
  close(): Promise<void>;
}

/** Options of {@link startTrackerApp}. */
export interface StartOptions {
  platform: Platform;
  /** Defaults to a fresh SQLite file in the temp folder. */
  databaseUrl?: string;
  secrets?: string[];
  rawBody?: boolean;
  providers?: Provider[];
}

/** Starts the delivery-tracker app on 127.0.0.1 with an ephemeral port. */
export async function startTrackerApp(options: StartOptions): Promise<RunningApp> {
  const sqliteFile = join(tmpdir(), `nativemessage-test-${randomUUID()}.sqlite`);
  const databaseUrl = options.databaseUrl ?? `sqlite:${sqliteFile}`;
  const moduleRef = await Test.createTestingModule({
    imports: [
      AppModule.register({
        port: 0,
        databaseUrl,
        webhookSecrets: options.secrets ?? [TEST_SECRET, OLD_SECRET],
        usingDevelopmentSecret: false,
      }),
    ],
    providers: [EventRecorder, ...(options.providers ?? [])],
  }).compile();
  moduleRef.useLogger(false);
  const adapter = options.platform === 'fastify' ? new FastifyAdapter() : new ExpressAdapter();
  const app = moduleRef.createNestApplication(adapter, {
    rawBody: options.rawBody ?? true,
    logger: false,
  });
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address() as { port: number };
  const baseUrl = `http://127.0.0.1:${address.port}`;
  return {
    app,
    baseUrl,
    webhookUrl: `${baseUrl}/webhooks/nativemessage`,
    recorder: app.get(EventRecorder),
    dataSource: app.get(DataSource),
    async close() {
      await app.close();
      if (!options.databaseUrl) rmSync(sqliteFile, { force: true });
    },
  };
}
