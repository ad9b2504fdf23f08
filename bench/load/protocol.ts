import type { Histogram, Summary } from '../lib/stats';

/** What the runner asks of the load worker (JSON in BENCH_LOAD). */
export interface LoadConfig {
  /** Base URL of the server, `http://127.0.0.1:<port>`. */
  url: string;
  secret: string;
  connections: number;
  warmupSec: number;
  durationSec: number;
  /** Amount mode: send this many deliveries as fast as possible (no warm-up), at most `maxSec`. */
  amount: number | null;
  maxSec: number;
  /** The server's PID, to read its CPU time and memory from /proc. */
  serverPid: number;
  /** Deliveries signed before the load starts. */
  poolSize: number;
  /** Whether the server is pinned to CPU 0 (else CPU 0's counters say nothing about it). */
  pinned: boolean;
}

/** One autocannon run. */
export interface PhaseResult {
  seconds: number;
  responses: number;
  ok2xx: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  reqPerSec: number;
  /** Latency percentiles in ms, from every response's own timing. */
  latencyMs: Summary;
  /** The same timings as a histogram, so several runs can be summarised together. */
  latencyHistogram: Histogram;
  statusCodes: Record<string, number>;
}

/** A memory reading of the server while deliveries were sent. */
export interface Checkpoint {
  responses: number;
  rssKb: number | null;
}

/** What the load worker prints as `RESULT <json>`. */
export interface LoadResult {
  probe: { status: number; body: string };
  warmup: PhaseResult | null;
  measured: PhaseResult;
  /** 2xx answers over probe, warm-up and measured window (what the inbox must drain). */
  accepted: number;
  /** Server CPU time (user + system) during the measured window. */
  serverCpuMicros: number | null;
  serverCpuMicrosPerRequest: number | null;
  /**
   * CPU 0 (the server's) during the measured window, in % of its time: busy with anything but the
   * server process (other processes, interrupts), and stolen by the hypervisor. null without /proc.
   */
  serverCpuForeignPercent: number | null;
  serverCpuStealPercent: number | null;
  /** CPU use of the generator during the measured window (100 = one core saturated). */
  generatorCpuPercent: number;
  generator: {
    poolSize: number;
    pregenSeconds: number;
    liveSigned: number;
    liveSignMicros: number;
  };
  checkpoints: Checkpoint[];
  stoppedEarly: boolean;
}
