import { Client } from 'pg';
import { postgresUrl } from './postgres';

/** Probes PostgreSQL once for the whole run; see `postgresEnabled`. */
export default async function globalSetup(): Promise<void> {
  const client = new Client({ connectionString: postgresUrl(), connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    process.env.NATIVEMESSAGE_TEST_POSTGRES = '1';
  } catch (error) {
    if (process.env.REQUIRE_POSTGRES === '1') {
      throw new Error(
        `REQUIRE_POSTGRES=1 but PostgreSQL at ${postgresUrl()} is unreachable: ${String(error)}`,
      );
    }
    process.env.NATIVEMESSAGE_TEST_POSTGRES = '0';
    process.stderr.write(
      `\nPostgreSQL at ${postgresUrl()} is unreachable (${String(error)}): the PostgreSQL variants are skipped. Set REQUIRE_POSTGRES=1 to make this a failure.\n`,
    );
  } finally {
    await client.end().catch(() => undefined);
  }
}
