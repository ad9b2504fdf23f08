import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';

/** Something a variant needs (a database file, a schema) and that must be removed afterwards. */
export interface Resource {
  readonly env: Record<string, string>;
  release(): Promise<void>;
}

const held = new Set<Resource>();

/** PostgreSQL of the benchmark: BENCH_PG_URL, else the local test database. */
export function postgresUrl(): string {
  return process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
}

function loopbackOnly(url: string): string {
  const host = new URL(url).hostname;
  if (!['127.0.0.1', 'localhost', '[::1]'].includes(host)) {
    throw new Error(`BENCH_PG_URL must point to a loopback host, got ${host}`);
  }
  return url;
}

async function withClient<T>(fn: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({
    connectionString: loopbackOnly(postgresUrl()),
    connectionTimeoutMillis: 5000,
    query_timeout: 30_000,
  });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** null when PostgreSQL answers, else why not. */
export async function postgresProblem(): Promise<string | null> {
  try {
    await withClient((c) => c.query('SELECT 1'));
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/** CPUs a PostgreSQL backend may run on (Cpus_allowed_list of its process), or null. */
export async function postgresCpus(): Promise<string | null> {
  try {
    // Read while the connection (and so its backend process) is still open.
    return await withClient(async (c) => {
      const { rows } = await c.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
      return cpusAllowed(rows[0].pid);
    });
  } catch {
    return null;
  }
}

function cpusAllowed(pid: number): string | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    return /^Cpus_allowed_list:\s*(\S+)/m.exec(status)?.[1] ?? null;
  } catch {
    return null; // gone
  }
}

function parentPid(pid: number): number | null {
  try {
    // /proc/<pid>/stat: "pid (comm) state ppid ..."; comm may hold spaces, so split after ')'.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return null;
  }
}

function setAffinity(pid: number, cpus: string): boolean {
  const result = spawnSync('taskset', ['-a', '-p', '-c', cpus, String(pid)], {
    timeout: 5000,
    stdio: 'ignore',
  });
  return result.status === 0;
}

/**
 * Moves the local PostgreSQL (its postmaster and every child process) to `cpu` for this run, as the
 * benchmark's set-up asks (server on CPU 0, load generator and database on CPU 1). Backends forked
 * later, the servers' connections among them, inherit the postmaster's affinity. Each process's
 * original affinity is restored when the run's resources are released (also on abort). Returns the
 * number of processes moved, or why none were.
 */
export async function pinPostgres(cpu: number): Promise<number | string> {
  let postmaster: number | null;
  try {
    postmaster = await withClient(async (c) => {
      const { rows } = await c.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
      return parentPid(rows[0].pid);
    });
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
  if (!postmaster || postmaster <= 1) return 'postmaster not found';
  const pids = [postmaster];
  for (const name of readdirSync('/proc')) {
    const pid = Number(name);
    if (Number.isInteger(pid) && pid > 0 && parentPid(pid) === postmaster) pids.push(pid);
  }
  const original = new Map<number, string>();
  for (const pid of pids) {
    const cpus = cpusAllowed(pid);
    if (cpus !== null && setAffinity(pid, String(cpu))) original.set(pid, cpus);
  }
  if (original.size === 0) return 'taskset could not change its affinity';
  track({
    env: {},
    release: () => {
      for (const [pid, cpus] of original) setAffinity(pid, cpus);
      return Promise.resolve();
    },
  });
  return original.size;
}

/** Registers a resource; its release runs once, and `releaseAll` waits for releases in flight. */
function track(inner: Resource): Resource {
  let releasing: Promise<void> | null = null;
  const wrapper: Resource = {
    env: inner.env,
    release: () => {
      releasing ??= inner.release().finally(() => held.delete(wrapper));
      return releasing;
    },
  };
  held.add(wrapper);
  return wrapper;
}

/** A fresh SQLite file in the temp folder (removed with its WAL files and inbox spool). */
export function sqliteResource(): Resource {
  const file = join(tmpdir(), `nm-bench-${randomBytes(6).toString('hex')}.sqlite`);
  const spool = file.replace(/\.sqlite$/, '.inbox.sqlite');
  return track({
    env: { BENCH_SQLITE_FILE: file },
    release: () => {
      for (const base of [file, spool]) {
        for (const suffix of ['', '-wal', '-shm', '-journal'])
          rmSync(base + suffix, { force: true });
      }
      return Promise.resolve();
    },
  });
}

/** A fresh schema `bench_<random>`; connections of BENCH_PG_URL use it (search_path). */
export async function postgresResource(): Promise<Resource> {
  const schema = `bench_${randomBytes(6).toString('hex')}`;
  await withClient((c) => c.query(`CREATE SCHEMA ${schema}`));
  const base = postgresUrl();
  const separator = base.includes('?') ? '&' : '?';
  const options = encodeURIComponent(`-c search_path=${schema}`);
  return track({
    env: { BENCH_PG_URL: `${base}${separator}options=${options}`, BENCH_PG_SCHEMA: schema },
    release: async () => {
      await withClient((c) => c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`));
    },
  });
}

/** Releases everything still held (after an error or Ctrl+C); failures are reported, not thrown. */
export async function releaseAll(): Promise<void> {
  await Promise.all(
    [...held].map((resource) =>
      resource.release().catch((error: unknown) => {
        console.error(`cleanup failed: ${error instanceof Error ? error.message : String(error)}`);
      }),
    ),
  );
}
