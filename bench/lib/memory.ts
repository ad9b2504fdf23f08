import type { Checkpoint } from '../load/protocol';
import { getJson, profilesSince, RunContext, runLoad, RunningServer, startServer } from './measure';
import { readStatusKb } from './procfs';
import { tasksetAvailable } from './procs';

/** The server of the memory run and the default cap of its memory store. */
export const MEMORY_SERVER = 'module-inline-memory-express';
export const MEMORY_STORE_CAP = 100_000;
/**
 * RSS after the last delivery may exceed the RSS half-way through the run by at most this. Half-way,
 * not at the cap: when the store first fills up, V8's heap has not reached its working size yet and
 * RSS still climbs for a while (measured: 335 MB at the cap, a plateau of 500-515 MB from 400k on);
 * a leak shows as growth over the second half, a bounded store does not.
 */
export const BOUND_FACTOR = 1.1;

/** The memory run's numbers. */
export interface MemoryOutcome {
  error: string | null;
  requested: number;
  responses: number;
  ok2xx: number;
  non2xx: number;
  errors: number;
  seconds: number;
  reqPerSec: number;
  stoppedEarly: boolean;
  cap: number;
  storeSize: number | null;
  rssAtCapKb: number | null;
  rssAfterKb: number | null;
  /** RSS at the first checkpoint past half of the deliveries, and that checkpoint's position. */
  rssHalfKb: number | null;
  halfResponses: number | null;
  /** RSS growth after the cap was reached, in MB per 100,000 deliveries. */
  growthMbPer100k: number | null;
  peakRssKb: number | null;
  checkpoints: Checkpoint[];
  /** null when the cap was never reached (nothing to judge). */
  bounded: boolean | null;
  /** CPU profiles of the server (`--profile memory`). */
  profiles: string[];
}

/** Sends `memoryDeliveries` distinct deliveries to a fresh inline+memory Express server. */
export async function measureMemory(ctx: RunContext): Promise<MemoryOutcome> {
  const requested = ctx.options.memoryDeliveries;
  const outcome: MemoryOutcome = {
    error: null,
    requested,
    responses: 0,
    ok2xx: 0,
    non2xx: 0,
    errors: 0,
    seconds: 0,
    reqPerSec: 0,
    stoppedEarly: false,
    cap: MEMORY_STORE_CAP,
    storeSize: null,
    rssAtCapKb: null,
    rssAfterKb: null,
    rssHalfKb: null,
    halfResponses: null,
    growthMbPer100k: null,
    peakRssKb: null,
    checkpoints: [],
    bounded: null,
    profiles: [],
  };
  // Whatever time is left, less a margin for shutdown and the report; at least 20 s.
  const maxSec = Math.max(20, Math.floor((ctx.deadline - Date.now()) / 1000) - 25);
  const profile = ctx.options.profile === 'memory';
  let server: RunningServer | null = null;
  try {
    server = await startServer(MEMORY_SERVER, ctx, {}, profile);
    console.log(`  sending ${requested} deliveries (at most ${maxSec} s)...`);
    const load = await runLoad(
      'memory',
      {
        url: server.baseUrl,
        secret: ctx.secret,
        connections: ctx.options.connections,
        warmupSec: 0,
        durationSec: 0,
        amount: requested,
        maxSec,
        serverPid: server.process.pid,
        poolSize: ctx.options.poolSize,
        pinned: tasksetAvailable(),
      },
      (maxSec + 90) * 1000,
    );
    const m = load.measured;
    Object.assign(outcome, {
      responses: m.responses,
      ok2xx: m.ok2xx + (load.probe.status === 200 ? 1 : 0),
      non2xx: m.non2xx,
      errors: m.errors,
      seconds: m.seconds,
      reqPerSec: m.reqPerSec,
      stoppedEarly: load.stoppedEarly,
      checkpoints: load.checkpoints,
    });
    outcome.rssAfterKb = readStatusKb(server.process.pid, 'VmRSS');
    outcome.peakRssKb = readStatusKb(server.process.pid, 'VmHWM');
    outcome.storeSize = (
      await getJson<{ size: number | null }>(`${server.baseUrl}/bench/store`)
    ).size;
    const atCap = load.checkpoints.find((c) => c.responses >= MEMORY_STORE_CAP && c.rssKb !== null);
    outcome.rssAtCapKb = atCap?.rssKb ?? null;
    if (atCap?.rssKb && outcome.rssAfterKb !== null && m.responses > atCap.responses) {
      const per100k = 100_000 / (m.responses - atCap.responses);
      outcome.growthMbPer100k = ((outcome.rssAfterKb - atCap.rssKb) / 1024) * per100k;
    }
    const half = load.checkpoints.find((c) => c.responses >= m.responses / 2 && c.rssKb !== null);
    if (half && half.responses >= MEMORY_STORE_CAP) {
      outcome.rssHalfKb = half.rssKb;
      outcome.halfResponses = half.responses;
    }
    if (outcome.rssHalfKb !== null && outcome.rssAfterKb !== null) {
      // In-flight claims are never evicted, so the store may exceed the cap by the connections.
      const storeBounded =
        outcome.storeSize === null ||
        outcome.storeSize <= MEMORY_STORE_CAP + ctx.options.connections;
      outcome.bounded = storeBounded && outcome.rssAfterKb <= outcome.rssHalfKb * BOUND_FACTOR;
    }
  } catch (error) {
    outcome.error = error instanceof Error ? error.message : String(error);
  } finally {
    await server?.process.stop();
  }
  if (profile && server) outcome.profiles = profilesSince(server.startedAt);
  return outcome;
}
