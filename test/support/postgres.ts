/** PostgreSQL used by the tests: `DATABASE_URL` when it is a postgres URL, else the local default. */
export function postgresUrl(): string {
  const url = process.env.DATABASE_URL;
  return url && /^postgres(ql)?:\/\//.test(url) ? url : 'postgres://postgres@127.0.0.1:5432/test';
}

/**
 * Whether the PostgreSQL variants of the suites run. Decided once by the global set-up, which fails
 * the run when `REQUIRE_POSTGRES=1` and the database is unreachable, and prints why it is skipped
 * otherwise.
 */
export function postgresEnabled(): boolean {
  return process.env.NATIVEMESSAGE_TEST_POSTGRES === '1';
}

/** Databases every database-backed suite runs on. */
export type TestDatabase = 'sqlite' | 'postgres';

/** The databases available to this run. */
export function testDatabases(): TestDatabase[] {
  return postgresEnabled() ? ['sqlite', 'postgres'] : ['sqlite'];
}

/**
 * Creates a fresh schema and returns a URL whose connections use it (`search_path`), so suites and
 * runs never see each other's rows. `drop()` removes it.
 */
export async function createTestSchema(): Promise<{ url: string; drop: () => Promise<void> }> {
  const { Client } = await import('pg');
  const schema = `nm_test_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  const admin = new Client({ connectionString: postgresUrl() });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
  await admin.end();
  const separator = postgresUrl().includes('?') ? '&' : '?';
  return {
    url: `${postgresUrl()}${separator}options=${encodeURIComponent(`-c search_path=${schema}`)}`,
    async drop() {
      const client = new Client({ connectionString: postgresUrl() });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await client.end();
    },
  };
}
