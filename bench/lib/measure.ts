import { mkdirSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { LoadConfig, LoadResult } from '../load/protocol';
import type { BenchOptions, Variant } from './options';
import { readStatusKb } from './procfs';
import { ManagedProcess, ROOT, tasksetAvailable } from './procs';
import { postgresResource, Resource, sqliteResource } from './resources';

export const PROFILE_DIR = join(ROOT, 'bench', 'results', 'profiles');

/** What the whole run shares. */
export interface RunContext {
  options: BenchOptions;
  secret: string;
  /** Epoch ms by which everything must be done. */
  deadline: number;
}

/** Inbox lag as the bench handler recorded it, after the inbox drained (or the wait ran out). */
export interface LagResult {
  handled: number;
  accepted: number;
  p50: number | null;
  p99: number | null;
  max: number | null;
  pending: number;
  processing: number;
  dead: number;
  drained: boolean;
  drainSeconds: number;
}

/** One variant's numbers (or why there are none). */
export interface VariantOutcome {
  variant: Variant;
  error: string | null;
  startupSeconds: number | null;
  load: LoadResult | null;
  peakRssKb: number | null;
  lag: LagResult | null;
  profiles: string[];
}

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

/** GET a JSON document from a bench server (bounded). */
export async function getJson<T>(url: string): Promise<T> {
  const response = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  if (!response.ok) throw new Error(`GET ${url}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

/** A started bench server. */
export interface RunningServer {
  process: ManagedProcess;
  baseUrl: string;
  startupSeconds: number;
  startedAt: number;
}

/** Starts a server file of bench/servers on CPU 0 and waits (bounded) for `READY <port>`. */
export async function startServer(
  name: string,
  ctx: RunContext,
  env: Record<string, string>,
  profile: boolean,
): Promise<RunningServer> {
  if (profile) mkdirSync(PROFILE_DIR, { recursive: true });
  const startedAt = Date.now();
  const server = new ManagedProcess(name, `bench/servers/${name}.ts`, {
    cpu: 0,
    env: { ...env, BENCH_SECRET: ctx.secret, NODE_ENV: 'production' },
    nodeArgs: profile ? ['--cpu-prof', '--cpu-prof-dir', PROFILE_DIR] : [],
  });
  try {
    const [, port] = await server.waitForLine(/^READY (\d+)$/, 120_000);
    return {
      process: server,
      baseUrl: `http://127.0.0.1:${port}`,
      startupSeconds: (Date.now() - startedAt) / 1000,
      startedAt,
    };
  } catch (error) {
    await server.stop();
    throw error;
  }
}

/** Runs the load worker on CPU 1 and returns its result (bounded by `timeoutMs`). */
export async function runLoad(
  name: string,
  config: LoadConfig,
  timeoutMs: number,
): Promise<LoadResult> {
  const worker = new ManagedProcess(`${name} load`, 'bench/load/worker.ts', {
    cpu: 1,
    env: { BENCH_LOAD: JSON.stringify(config) },
  });
  try {
    const [, json] = await worker.waitForLine(/^RESULT (.*)$/, timeoutMs);
    return JSON.parse(json) as LoadResult;
  } finally {
    await worker.stop();
  }
}

type Progress = Omit<LagResult, 'accepted' | 'drained' | 'drainSeconds' | 'p50' | 'p99' | 'max'>;

/** Polls the inbox until every accepted delivery was handled (bounded), then reads the lag. */
async function drain(baseUrl: string, accepted: number, timeoutMs: number): Promise<LagResult> {
  const start = Date.now();
  let drained = false;
  while (Date.now() - start < timeoutMs) {
    const p = await getJson<Progress>(`${baseUrl}/bench/progress`);
    drained = p.handled >= accepted && p.pending === 0 && p.processing === 0;
    if (drained) break;
    await sleep(250);
  }
  const drainSeconds = (Date.now() - start) / 1000;
  const lag = await getJson<Omit<LagResult, 'accepted' | 'drained' | 'drainSeconds'>>(
    `${baseUrl}/bench/lag`,
  );
  return { ...lag, accepted, drained, drainSeconds };
}

/** .cpuprofile files written since `since` (epoch ms). */
export function profilesSince(since: number): string[] {
  try {
    return readdirSync(PROFILE_DIR)
      .filter((f) => f.endsWith('.cpuprofile'))
      .map((f) => join(PROFILE_DIR, f))
      .filter((f) => statSync(f).mtimeMs >= since);
  } catch {
    return [];
  }
}

async function resourceFor(variant: Variant): Promise<Resource | null> {
  if (variant.database === 'sqlite') return sqliteResource();
  if (variant.database === 'postgres') return postgresResource();
  return null;
}

/** Starts one variant, loads it, reads its numbers, stops it and removes what it used. */
export async function measureVariant(variant: Variant, ctx: RunContext): Promise<VariantOutcome> {
  const { options } = ctx;
  const outcome: VariantOutcome = {
    variant,
    error: null,
    startupSeconds: null,
    load: null,
    peakRssKb: null,
    lag: null,
    profiles: [],
  };
  const resource = await resourceFor(variant);
  const profile = options.profile === variant.name;
  let server: RunningServer | null = null;
  try {
    server = await startServer(variant.name, ctx, resource?.env ?? {}, profile);
    outcome.startupSeconds = server.startupSeconds;
    const phases = options.warmupSec + options.durationSec;
    outcome.load = await runLoad(
      variant.name,
      {
        url: server.baseUrl,
        secret: ctx.secret,
        connections: options.connections,
        warmupSec: options.warmupSec,
        durationSec: options.durationSec,
        amount: null,
        maxSec: phases + 30,
        serverPid: server.process.pid,
        poolSize: options.poolSize,
        pinned: tasksetAvailable(),
      },
      (phases + 120) * 1000,
    );
    if (variant.kind === 'inbox') {
      const waitMs = options.quick ? 30_000 : 120_000;
      outcome.lag = await drain(server.baseUrl, outcome.load.accepted, waitMs);
    }
    outcome.peakRssKb = readStatusKb(server.process.pid, 'VmHWM');
  } catch (error) {
    outcome.error = error instanceof Error ? error.message : String(error);
  } finally {
    await server?.process.stop();
    await resource?.release();
  }
  if (profile && server) outcome.profiles = profilesSince(server.startedAt);
  return outcome;
}
