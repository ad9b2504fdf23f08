/**
 * Load generator process (pinned to its own CPU by the runner): signs unique deliveries, drives the
 * server with autocannon, reads the server's CPU time around the measured window, prints
 * `RESULT <json>`.
 */
import autocannon from 'autocannon';
import { readCpuStat, readCpuTicks, readStatusKb, ticksToMicros } from '../lib/procfs';
import { Samples } from '../lib/stats';
import type { Checkpoint, LoadConfig, LoadResult, PhaseResult } from './protocol';
import { RequestFactory } from './requests';

const PATH = '/webhooks/nativemessage';
const config = JSON.parse(process.env.BENCH_LOAD ?? '{}') as LoadConfig;
const factory = new RequestFactory(config.secret);

interface CannonOptions {
  duration?: number;
  amount?: number;
  onResponse?: (status: number, ms: number) => void;
}

interface CannonRun {
  result: autocannon.Result;
  stoppedEarly: boolean;
}

function cannon(options: CannonOptions): Promise<CannonRun> {
  return new Promise((done, fail) => {
    let stoppedEarly = false;
    const running: { instance?: autocannon.Instance } = {};
    const capSec = options.amount ? config.maxSec : (options.duration ?? 0) + 30;
    const cap = setTimeout(() => {
      stoppedEarly = true;
      running.instance?.stop();
    }, capSec * 1000);
    const instance = autocannon(
      {
        url: `${config.url}${PATH}`,
        connections: config.connections,
        // autocannon's defaults are overwritten by keys set to undefined: only set what is used.
        ...(options.amount ? { amount: options.amount } : { duration: options.duration }),
        timeout: 10,
        requests: [
          {
            method: 'POST',
            path: PATH,
            setupRequest: (request) => ({ ...request, ...factory.take() }),
          },
        ],
      },
      (error, result) => {
        clearTimeout(cap);
        if (error) fail(error);
        else done({ result, stoppedEarly });
      },
    );
    const onResponse = options.onResponse;
    if (onResponse) {
      instance.on('response', (_client: unknown, status: number, _bytes: number, ms: number) =>
        onResponse(status, ms),
      );
    }
    running.instance = instance;
  });
}

function phase(result: autocannon.Result, latency: Samples): PhaseResult {
  const responses = result.requests.total;
  const statusCodes: Record<string, number> = {};
  for (const [code, stat] of Object.entries(result.statusCodeStats)) statusCodes[code] = stat.count;
  return {
    seconds: result.duration,
    responses,
    ok2xx: result['2xx'],
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    reqPerSec: result.duration > 0 ? responses / result.duration : 0,
    latencyMs: latency.summary(),
    latencyHistogram: latency.histogram(),
    statusCodes,
  };
}

async function probe(): Promise<LoadResult['probe']> {
  const signed = factory.take();
  const response = await fetch(`${config.url}${PATH}`, {
    method: 'POST',
    headers: signed.headers,
    body: signed.body,
    signal: AbortSignal.timeout(10_000),
  });
  return { status: response.status, body: (await response.text()).slice(0, 500) };
}

async function run(): Promise<LoadResult> {
  const liveSignMicros = factory.measureSigningMicros();
  const pregenStart = Date.now();
  factory.fill(config.poolSize);
  const pregenSeconds = (Date.now() - pregenStart) / 1000;
  const first = await probe();
  let accepted = first.status >= 200 && first.status < 300 ? 1 : 0;

  let warmup: PhaseResult | null = null;
  if (config.amount === null && config.warmupSec > 0) {
    warmup = phase((await cannon({ duration: config.warmupSec })).result, new Samples());
    accepted += warmup.ok2xx;
  }

  const latency = new Samples();
  const checkpoints: Checkpoint[] = [];
  const step = config.amount ? Math.ceil(config.amount / 10) : 0;
  let responses = 0;
  const onResponse = (_status: number, ms: number) => {
    latency.push(ms);
    if (step > 0 && ++responses % step === 0) {
      checkpoints.push({ responses, rssKb: readStatusKb(config.serverPid, 'VmRSS') });
    }
  };
  const cpu0Before = config.pinned ? readCpuStat(0) : null;
  const ticksBefore = readCpuTicks(config.serverPid);
  const cpuBefore = process.cpuUsage();
  const wallBefore = process.hrtime.bigint();
  const measuredRun = await cannon(
    config.amount
      ? { amount: config.amount, onResponse }
      : { duration: config.durationSec, onResponse },
  );
  const wallMicros = Number(process.hrtime.bigint() - wallBefore) / 1e3;
  const cpu = process.cpuUsage(cpuBefore);
  const ticksAfter = readCpuTicks(config.serverPid);
  const cpu0After = config.pinned ? readCpuStat(0) : null;
  if (step > 0 && checkpoints.at(-1)?.responses !== responses) {
    checkpoints.push({ responses, rssKb: readStatusKb(config.serverPid, 'VmRSS') });
  }
  const measured = phase(measuredRun.result, latency);
  accepted += measured.ok2xx;
  const serverTicks = ticksBefore !== null && ticksAfter !== null ? ticksAfter - ticksBefore : null;
  const serverCpuMicros = serverTicks === null ? null : ticksToMicros(serverTicks);
  const cpu0Total = cpu0Before && cpu0After ? cpu0After.total - cpu0Before.total : 0;
  const cpu0Share = (ticks: number) => (cpu0Total > 0 ? (ticks / cpu0Total) * 100 : null);
  return {
    probe: first,
    warmup,
    measured,
    accepted,
    serverCpuMicros,
    serverCpuMicrosPerRequest:
      serverCpuMicros !== null && measured.responses > 0
        ? serverCpuMicros / measured.responses
        : null,
    serverCpuForeignPercent:
      cpu0Before && cpu0After && serverTicks !== null
        ? cpu0Share(Math.max(0, cpu0After.busy - cpu0Before.busy - serverTicks))
        : null,
    serverCpuStealPercent:
      cpu0Before && cpu0After ? cpu0Share(cpu0After.steal - cpu0Before.steal) : null,
    generatorCpuPercent: ((cpu.user + cpu.system) / wallMicros) * 100,
    generator: {
      poolSize: factory.poolSize,
      pregenSeconds,
      liveSigned: factory.liveSigned,
      liveSignMicros,
    },
    checkpoints,
    stoppedEarly: measuredRun.stoppedEarly,
  };
}

// The runner keeps stdin open; when it goes away, so does this process.
process.stdin.on('end', () => process.exit(1));
process.stdin.resume();

run().then(
  (result) => process.stdout.write(`RESULT ${JSON.stringify(result)}\n`, () => process.exit(0)),
  (error: unknown) => {
    process.stderr.write(
      `load worker failed: ${error instanceof Error ? error.stack : String(error)}\n`,
    );
    process.exit(1);
  },
);
