import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import { dirname, extname, basename, join } from 'node:path';
import type { DataSource } from 'typeorm';
import type { IdempotencyStore } from '../idempotency/idempotency-store';
import type { NativeMessageInboxStore } from '../inbox/inbox-store';
import type {
  NativeMessageStorage,
  ResolvedNativeMessageOptions,
} from '../interfaces/nativemessage-options.interface';
import {
  NATIVEMESSAGE_OPTIONS,
  NATIVEMESSAGE_STORAGE_INBOX,
  NATIVEMESSAGE_STORAGE_RECEIPTS,
} from '../nativemessage.constants';
import { NativeMessageConfigurationError } from '../nativemessage.errors';
import { NativeMessageEntityManager } from './nativemessage-entity-manager';
import { pgPoolOf, PostgresIdempotencyStore, PostgresInboxStore } from './postgres.stores';
import { SqliteConstructor, SqliteSpool } from './sqlite-spool';
import { SqliteIdempotencyStore, SqliteInboxStore } from './sqlite.stores';

/** Options of {@link typeOrmStorage}. */
export interface TypeOrmStorageOptions {
  /**
   * Name of the TypeORM DataSource to use (as given to `TypeOrmModule.forRoot({ name })`).
   * @default the default DataSource
   */
  dataSource?: string;
  /**
   * SQLite only: file of the receipts and the inbox.
   * @default beside the database, `<name>.inbox<ext>` (`data/app.sqlite` -> `data/app.inbox.sqlite`)
   */
  sqliteInboxFile?: string;
}

const BACKEND = Symbol('NATIVEMESSAGE_TYPEORM_BACKEND');

interface Backend {
  receipts: IdempotencyStore;
  inbox: NativeMessageInboxStore;
  close(): void;
}

/** Where the SQLite spool lives for a host database file. */
export function defaultSqliteInboxFile(database: string): string {
  if (database === ':memory:') return ':memory:';
  const ext = extname(database);
  return join(dirname(database), `${basename(database, ext)}.inbox${ext || '.sqlite'}`);
}

const MISSING_TABLES = (type: string, detail: string) =>
  new NativeMessageConfigurationError([
    `the nestjs-nativemessage tables are missing in the ${type} database (${detail}). Possible fixes:\n` +
      "      - add NATIVEMESSAGE_MIGRATIONS (from nestjs-nativemessage/typeorm) to the DataSource's migrations\n" +
      '        and set migrationsRun: true, or run them with the TypeORM CLI (typeorm migration:run)',
  ]);

async function createBackend(
  dataSource: DataSource,
  options: ResolvedNativeMessageOptions,
  storage: TypeOrmStorageOptions,
): Promise<Backend> {
  const type = dataSource.options.type;
  let backend: Backend;
  if (type === 'postgres') {
    const pool = pgPoolOf(dataSource);
    const inbox = new PostgresInboxStore(dataSource, pool);
    backend = {
      receipts: new PostgresIdempotencyStore(pool, options.retentionMs, options.claimTimeoutMs),
      inbox,
      close: () => undefined,
    };
  } else if (type === 'better-sqlite3') {
    const database = String(dataSource.options.database);
    const Sqlite = (dataSource.driver as unknown as { sqlite: SqliteConstructor }).sqlite;
    const spool = SqliteSpool.open(
      Sqlite,
      storage.sqliteInboxFile ?? defaultSqliteInboxFile(database),
    );
    backend = {
      receipts: new SqliteIdempotencyStore(spool, options.retentionMs, options.claimTimeoutMs),
      inbox: new SqliteInboxStore(spool, dataSource),
      close: () => spool.close(),
    };
  } else {
    throw new NativeMessageConfigurationError([
      `typeOrmStorage() supports DataSources of type "postgres" and "better-sqlite3", got "${type}"`,
    ]);
  }
  try {
    await backend.inbox.ping();
  } catch (error) {
    backend.close();
    throw MISSING_TABLES(type, error instanceof Error ? error.message : String(error));
  }
  return backend;
}

/** Closes the SQLite spool after the dispatcher has stopped. */
@Injectable()
class TypeOrmStorageLifecycle implements OnApplicationShutdown {
  constructor(@Inject(BACKEND) private readonly backend: Backend) {}

  onApplicationShutdown(): void {
    this.backend.close();
  }
}

/**
 * Durable storage on a TypeORM DataSource of the host (PostgreSQL or better-sqlite3): receipts for
 * deduplication and the inbox of the `inbox` dispatch mode. Pass it as the `storage` extra, and add
 * `NATIVEMESSAGE_MIGRATIONS` to the DataSource's migrations.
 *
 * @example
 * ```ts
 * NativeMessageModule.forRoot({ webhook: { secrets }, dispatch: 'inbox', storage: typeOrmStorage() })
 * ```
 */
export function typeOrmStorage(storage: TypeOrmStorageOptions = {}): NativeMessageStorage {
  const dataSourceToken = getDataSourceToken(storage.dataSource);
  return {
    providers: [
      {
        provide: BACKEND,
        inject: [dataSourceToken, NATIVEMESSAGE_OPTIONS],
        useFactory: (dataSource: DataSource, options: ResolvedNativeMessageOptions) =>
          createBackend(dataSource, options, storage),
      },
      {
        provide: NATIVEMESSAGE_STORAGE_RECEIPTS,
        inject: [BACKEND],
        useFactory: (b: Backend) => b.receipts,
      },
      {
        provide: NATIVEMESSAGE_STORAGE_INBOX,
        inject: [BACKEND],
        useFactory: (b: Backend) => b.inbox,
      },
      {
        provide: NativeMessageEntityManager,
        inject: [dataSourceToken],
        useFactory: (dataSource: DataSource) => new NativeMessageEntityManager(dataSource),
      },
      TypeOrmStorageLifecycle,
    ],
    exports: [NativeMessageEntityManager],
  };
}
