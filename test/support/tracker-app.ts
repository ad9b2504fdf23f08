import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { INestApplication, LoggerService, Provider } from '@nestjs/common';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import Database from 'better-sqlite3';
import { IdempotencyStore, MemoryIdempotencyStore, NativeMessageClock } from 'nestjs-nativemessage';
import { HOSTILE_IMPORTS, HOSTILE_PROVIDERS, HOSTILE_ROUTE_METADATA } from './hostile-host';
import { defaultSqliteInboxFile } from 'nestjs-nativemessage/typeorm';
import { DataSource } from 'typeorm';
import { AppModule } from '../../src/app.module';
import type { Platform } from '../../src/app.factory';
import type { AppConfig } from '../../src/app.config';
import { EventRecorder } from './event-recorder';
import { createTestSchema, TestDatabase } from './postgres';

/** Secret the test apps are started with. */
export const TEST_SECRET = 'whsec_test_3f9a1c';
/** Second secret, for rotation tests. */
export const OLD_SECRET = 'whsec_old_7b2e44';

/** Platforms every webhook suite runs on. */
export const PLATFORMS: Platform[] = ['express', 'fastify'];

/** A running example app with a recorder handler beside its own handlers. */
export interface RunningApp {
  app: INestApplication;
  /** The SQLite database file (unused on PostgreSQL). */
  sqliteFile: string;
  baseUrl: string;
  webhookUrl: string;
  recorder: EventRecorder;
  dataSource: DataSource;
  /** Bodies of the deliveries refused by validation, as the receipt store kept them. */
  rejectedBodies(): Promise<string[]>;
  /** Rows of one of the module's tables (receipts, inbox, rejected), wherever the store keeps them. */
  countRows(table: 'receipts' | 'inbox' | 'rejected'): Promise<number>;
  close(): Promise<void>;
}

/** Options of {@link startTrackerApp}. */
export interface StartOptions {
  platform: Platform;
  /** `sqlite` (a fresh file in the temp folder, the default) or the test PostgreSQL database. */
  database?: TestDatabase;
  /** SQLite only: use this database file (kept on close) instead of a fresh one. */
  sqliteFile?: string;
  /** PostgreSQL only: rewrites the connection URL (to go through a proxy, say). */
  rewriteUrl?: (url: string) => string;
  secrets?: string[];
  /** Dispatch mode of the app. @default 'inline' */
  dispatch?: 'inline' | 'inbox';
  /** Adds a hostile host's global guard, throttler, filter and strict ValidationPipe. */
  hostile?: boolean | 'without-route-metadata';
  /** Replaces the module's clock. */
  clock?: () => Date;
  /** Receives the app's logs (silent otherwise). */
  logger?: LoggerService;
  /** Thresholds of GET /health. */
  health?: AppConfig['health'];
  /** Module tuning. */
  tuning?: AppConfig['tuning'];
  /** Receipt store. @default 'database' */
  receiptStore?: 'database' | 'memory';
  rawBody?: boolean;
  providers?: Provider[];
}

/** Runs a read-only query on the SQLite spool of an app database. */
function readSpool(sqliteFile: string, sql: string): unknown[] {
  const spool = new Database(defaultSqliteInboxFile(sqliteFile), { readonly: true });
  try {
    return spool.prepare(sql).all();
  } finally {
    spool.close();
  }
}

/** Listens on an ephemeral loopback port and returns the base URL. */
export async function listenOnLoopback(app: INestApplication): Promise<string> {
  await app.listen(0, '127.0.0.1');
  const server = app.getHttpServer() as Server;
  const { port } = server.address() as AddressInfo;
  return `http://127.0.0.1:${port}`;
}

/** Starts the delivery-tracker app on 127.0.0.1 with an ephemeral port. */
export async function startTrackerApp(options: StartOptions): Promise<RunningApp> {
  const sqliteFile =
    options.sqliteFile ?? join(tmpdir(), `nativemessage-test-${randomUUID()}.sqlite`);
  const schema = options.database === 'postgres' ? await createTestSchema() : null;
  let databaseUrl = schema ? schema.url : `sqlite:${sqliteFile}`;
  if (schema && options.rewriteUrl) databaseUrl = options.rewriteUrl(databaseUrl);
  let app: INestApplication;
  let baseUrl: string;
  try {
    const moduleRef = await Test.createTestingModule({
      imports: [
        AppModule.register({
          port: 0,
          databaseUrl,
          webhookSecrets: options.secrets ?? [TEST_SECRET, OLD_SECRET],
          usingDevelopmentSecret: false,
          dispatch: options.dispatch ?? 'inline',
          receiptStore: options.receiptStore ?? 'database',
          tuning: options.tuning,
          health: options.health,
          webhookRouteMetadata: options.hostile === true ? HOSTILE_ROUTE_METADATA : undefined,
        }),
        ...(options.hostile ? HOSTILE_IMPORTS : []),
      ],
      providers: [
        EventRecorder,
        ...(options.hostile ? HOSTILE_PROVIDERS : []),
        ...(options.providers ?? []),
      ],
    })
      .overrideProvider(NativeMessageClock)
      .useValue({ now: options.clock ?? (() => new Date()) })
      .compile();
    moduleRef.useLogger(options.logger ?? false);
    const adapter = options.platform === 'fastify' ? new FastifyAdapter() : new ExpressAdapter();
    app = moduleRef.createNestApplication(adapter, {
      rawBody: options.rawBody ?? true,
      logger: options.logger ?? false,
    });
    baseUrl = await listenOnLoopback(app);
  } catch (error) {
    // A failed start must not leave its schema behind in the shared database.
    await schema?.drop();
    throw error;
  }
  const dataSource = app.get(DataSource);
  return {
    app,
    sqliteFile,
    baseUrl,
    webhookUrl: `${baseUrl}/webhooks/nativemessage`,
    recorder: app.get(EventRecorder),
    dataSource,
    async countRows(table) {
      const sql = `SELECT count(*) AS n FROM nativemessage_${table}`;
      if (schema) return Number((await dataSource.query<{ n: string }[]>(sql))[0].n);
      return Number((readSpool(sqliteFile, sql)[0] as { n: number }).n);
    },
    async rejectedBodies() {
      if (options.receiptStore === 'memory') {
        return app
          .get<IdempotencyStore, MemoryIdempotencyStore>(IdempotencyStore)
          .rejected.map((r) => r.body);
      }
      if (schema) {
        const rows: { body: string }[] = await dataSource.query(
          'SELECT body FROM nativemessage_rejected ORDER BY id',
        );
        return rows.map((r) => r.body);
      }
      const rows = readSpool(sqliteFile, 'SELECT body FROM nativemessage_rejected ORDER BY id');
      return (rows as { body: string }[]).map((r) => r.body);
    },
    async close() {
      await app.close();
      if (options.sqliteFile) return;
      for (const file of [sqliteFile, defaultSqliteInboxFile(sqliteFile)]) {
        for (const suffix of ['', '-wal', '-shm']) rmSync(file + suffix, { force: true });
      }
      await schema?.drop();
    },
  };
}
