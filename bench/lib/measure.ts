import { mkdirSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { LoadConfig, LoadResult, PhaseResult } from '../load/protocol';
import { summarizeHistograms } from './stats';
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
  /** Measured req/s of each round, in order. */
  rounds: number[];
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

/** Per-variant state while the rounds run. */
interface Contender {
  outcome: VariantOutcome;
  resource: Resource | null;
  server: RunningServer | null;
  loads: LoadResult[];
  accepted: number;
}

/** Merges the rounds of one variant into one result: sums, and rates over the summed time. */
export function mergeLoads(loads: LoadResult[]): LoadResult {
  const phases = (pick: (l: LoadResult) => PhaseResult | null): PhaseResult | null => {
    const list = loads.map(pick).filter((p): p is PhaseResult => p !== null);
    if (list.length === 0) return null;
    const sum = (f: (p: PhaseResult) => number) => list.reduce((total, p) => total + f(p), 0);
    const statusCodes: Record<string, number> = {};
    for (const p of list) {
      for (const [code, n] of Object.entries(p.statusCodes))
        statusCodes[code] = (statusCodes[code] ?? 0) + n;
    }
    const seconds = sum((p) => p.seconds);
    const responses = sum((p) => p.responses);
    const histograms = list.map((p) => p.latencyHistogram);
    return {
      seconds,
      responses,
      ok2xx: sum((p) => p.ok2xx),
      non2xx: sum((p) => p.non2xx),
      errors: sum((p) => p.errors),
      timeouts: sum((p) => p.timeouts),
      reqPerSec: seconds > 0 ? responses / seconds : 0,
      latencyMs: summarizeHistograms(histograms),
      latencyHistogram: [],
      statusCodes,
    };
  };
  const measured = phases((l) => l.measured)!;
  const weighted = (f: (l: LoadResult) => number | null): number | null => {
    let total = 0;
    let weight = 0;
    for (const l of loads) {
      const value = f(l);
      if (value === null) return null;
      total += value * l.measured.seconds;
      weight += l.measured.seconds;
    }
    return weight > 0 ? total / weight : null;
  };
  const cpuParts = loads.map((l) => l.serverCpuMicros);
  const serverCpuMicros = cpuParts.includes(null)
    ? null
    : (cpuParts as number[]).reduce((a, b) => a + b, 0);
  return {
    probe: loads[0].probe,
    warmup: phases((l) => l.warmup),
    measured,
    accepted: loads.reduce((total, l) => total + l.accepted, 0),
    serverCpuMicros,
    serverCpuMicrosPerRequest:
      serverCpuMicros !== null && measured.responses > 0
        ? serverCpuMicros / measured.responses
        : null,
    serverCpuForeignPercent: weighted((l) => l.serverCpuForeignPercent),
    serverCpuStealPercent: weighted((l) => l.serverCpuStealPercent),
    generatorCpuPercent: weighted((l) => l.generatorCpuPercent) ?? 0,
    generator: loads[0].generator,
    checkpoints: loads.flatMap((l) => l.checkpoints),
    stoppedEarly: loads.some((l) => l.stoppedEarly),
  };
}

/**
 * Starts every variant's server, then runs `rounds` rounds in which each variant in turn gets a
 * warm-up and a slice of the measured time (inbox variants drain before the next one goes), and
 * finally stops the servers and removes what they used. Baselines and modules are thus measured
 * side by side in time, which keeps the ratios steady on a noisy machine. `report` is called once
 * per variant when its numbers are final.
 */
export async function measureVariants(
  variants: Variant[],
  ctx: RunContext,
  skip: (variant: Variant) => string | null,
  report: (outcome: VariantOutcome) => void,
): Promise<VariantOutcome[]> {
  const { options } = ctx;
  const contenders: Contender[] = [];
  try {
    for (const variant of variants) {
      const outcome: VariantOutcome = {
        variant,
        error: skip(variant),
        startupSeconds: null,
        load: null,
        peakRssKb: null,
        lag: null,
        profiles: [],
        rounds: [],
      };
      const contender: Contender = {
        outcome,
        resource: null,
        server: null,
        loads: [],
        accepted: 0,
      };
      contenders.push(contender);
      if (outcome.error) continue;
      try {
        contender.resource = await resourceFor(variant);
        contender.server = await startServer(
          variant.name,
          ctx,
          contender.resource?.env ?? {},
          options.profile === variant.name,
        );
        outcome.startupSeconds = contender.server.startupSeconds;
      } catch (error) {
        outcome.error = error instanceof Error ? error.message : String(error);
      }
    }

    const slice = options.durationSec / options.rounds;
    for (let round = 0; round < options.rounds; round++) {
      const warmupSec = round === 0 ? options.warmupSec : Math.min(1, options.warmupSec);
      for (const c of contenders) {
        if (c.outcome.error || !c.server) continue;
        if (Date.now() + (warmupSec + slice + 20) * 1000 > ctx.deadline) {
          c.outcome.error =
            c.loads.length === 0 ? 'skipped: the time budget of the run is used up' : null;
          continue;
        }
        try {
          const load = await runLoad(
            c.outcome.variant.name,
            {
              url: c.server.baseUrl,
              secret: ctx.secret,
              connections: options.connections,
              warmupSec,
              durationSec: slice,
              amount: null,
              maxSec: warmupSec + slice + 30,
              serverPid: c.server.process.pid,
              poolSize: options.poolSize,
              pinned: tasksetAvailable(),
            },
            (warmupSec + slice + 120) * 1000,
          );
          c.loads.push(load);
          c.outcome.rounds.push(load.measured.reqPerSec);
          c.accepted += load.accepted;
          if (c.outcome.variant.kind === 'inbox') {
            // Drained before the next variant runs, so its dispatcher never competes with it.
            const waitMs = options.quick ? 30_000 : 120_000;
            c.outcome.lag = await drain(c.server.baseUrl, c.accepted, waitMs);
          }
        } catch (error) {
          c.outcome.error = error instanceof Error ? error.message : String(error);
        }
      }
    }
    for (const c of contenders) {
      if (c.loads.length > 0 && !c.outcome.error) c.outcome.load = mergeLoads(c.loads);
      if (c.server) c.outcome.peakRssKb = readStatusKb(c.server.process.pid, 'VmHWM');
    }
  } finally {
    for (const c of contenders) {
      await c.server?.process.stop();
      await c.resource?.release();
      if (c.server && options.profile === c.outcome.variant.name) {
        c.outcome.profiles = profilesSince(c.server.startedAt);
      }
    }
  }
  for (const c of contenders) report(c.outcome);
  return contenders.map((c) => c.outcome);
}
