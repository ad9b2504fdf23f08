import { Client } from 'pg';

/** PostgreSQL used by the tests: `DATABASE_URL` when it is a postgres URL, else the local default. */
export function postgresUrl(): string {
  const url = process.env.DATABASE_URL;
  return url && /^postgres(ql)?:\/\//.test(url) ? url : 'postgres://postgres@127.0.0.1:5432/test';
}

/** Whether PostgreSQL answers; with `REQUIRE_POSTGRES=1` an unreachable database is an error. */
export async function postgresAvailable(): Promise<boolean> {
  const client = new Client({ connectionString: postgresUrl(), connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch (error) {
    if (process.env.REQUIRE_POSTGRES === '1') {
      throw new Error(`REQUIRE_POSTGRES=1 but PostgreSQL at ${postgresUrl()} is unreachable: ${String(error)}`);
    }
    // eslint-disable-next-line no-console -- the reason a suite is skipped must be visible
    console.warn(`PostgreSQL unreachable (${String(error)}): PostgreSQL suites are skipped`);
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}
