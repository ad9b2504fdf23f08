import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { NATIVEMESSAGE_MIGRATIONS } from 'nestjs-nativemessage/typeorm';
import type { DataSourceOptions } from 'typeorm';

/**
 * TypeORM connection options for a `DATABASE_URL`: `sqlite:<path>` (relative to the working
 * directory or absolute; the folder is created) or `postgres://` / `postgresql://`. The app's own
 * tables are synchronised from its entities; the module's tables come from its shipped migrations.
 */
export function dataSourceOptionsFor(
  databaseUrl: string,
  entities: DataSourceOptions['entities'],
): DataSourceOptions {
  if (databaseUrl.startsWith('sqlite:')) {
    const location = databaseUrl.slice('sqlite:'.length);
    if (location === '')
      throw new Error('DATABASE_URL "sqlite:" needs a file path, e.g. sqlite:data/app.sqlite');
    const database = location === ':memory:' ? location : resolve(location);
    if (database !== ':memory:') mkdirSync(dirname(database), { recursive: true });
    return {
      type: 'better-sqlite3',
      database,
      entities,
      synchronize: true,
      enableWAL: true,
      migrations: NATIVEMESSAGE_MIGRATIONS,
      migrationsRun: true,
    };
  }
  if (/^postgres(ql)?:\/\//.test(databaseUrl)) {
    return {
      type: 'postgres',
      url: databaseUrl,
      // Fail fast when the database is unreachable, so the webhook can answer 503 in time.
      connectTimeoutMS: 3000,
      entities,
      synchronize: true,
      migrations: NATIVEMESSAGE_MIGRATIONS,
      migrationsRun: true,
    };
  }
  throw new Error(
    `DATABASE_URL must start with "sqlite:" or "postgres://", got "${databaseUrl.split(':')[0]}:..."`,
  );
}
