/**
 * Benchmark of nestjs-nativemessage against bare NestJS and the provider's sample receiver.
 * `npm run bench -- [--quick] [--only a,b] [--duration s] [--connections n] [--profile variant]`;
 * see bench/README.md.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Build, buildBench } from './lib/build';
import { measureMemory, MemoryOutcome } from './lib/memory';
import { measureVariants, RunContext, VariantOutcome } from './lib/measure';
import { BenchOptions, parseOptions, USAGE } from './lib/options';
import { machineInfo } from './lib/procfs';
import { ROOT, stopAll, tasksetAvailable, useBuild } from './lib/procs';
import { noteLines } from './lib/notes';
import { lagLines, memoryLine, rows, table, targets } from './lib/report';
import { pinPostgres, postgresCpus, postgresProblem, releaseAll } from './lib/resources';

const RESULTS_DIR = join(ROOT, 'bench', 'results');
const HARD_LIMIT_SEC = 595;
let aborting = false;
let build: Build | null = null;

/** Stops every child by PID and removes temp files and schemas, then exits (all bounded). */
async function abort(reason: string, code: number): Promise<void> {
  if (aborting) return;
  aborting = true;
  console.error(`\n${reason}: stopping the processes of this run and removing temp data...`);
  setTimeout(() => process.exit(code), 20_000).unref();
  await stopAll();
  await releaseAll();
  build?.remove();
  process.exit(code);
}

function describeLoad(o: VariantOutcome): string {
  if (o.error || !o.load) return `FAILED: ${(o.error ?? 'no result').split('\n')[0]}`;
  const m = o.load.measured;
  const parts = [
    `${m.reqPerSec.toFixed(0)} req/s`,
    `p99 ${m.latencyMs.p99?.toFixed(2) ?? '-'} ms`,
    `non-2xx ${m.non2xx}`,
    `generator CPU ${o.load.generatorCpuPercent.toFixed(0)}%`,
    `other load on CPU 0 ${o.load.serverCpuForeignPercent?.toFixed(0) ?? '-'}%`,
    `startup ${o.startupSeconds?.toFixed(1) ?? '-'} s`,
    `rounds ${o.rounds.map((r) => r.toFixed(0)).join(' / ')} req/s`,
  ];
  if (o.load.probe.status !== 200)
    parts.push(`probe answered ${o.load.probe.status} ${o.load.probe.body}`);
  return parts.join(', ');
}

function optionsForJson(o: BenchOptions) {
  return { ...o, variants: o.variants.map((v) => v.name) };
}

async function main(): Promise<void> {
  const started = Date.now();
  let options: BenchOptions;
  try {
    options = parseOptions(process.argv.slice(2));
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    console.error(USAGE);
    process.exitCode = 2;
    return;
  }
  setTimeout(
    () => void abort(`time limit of ${HARD_LIMIT_SEC} s reached`, 1),
    HARD_LIMIT_SEC * 1000,
  ).unref();
  const ctx: RunContext = {
    options,
    secret: `whsec_bench_${randomBytes(8).toString('hex')}`,
    deadline: started + options.budgetSec * 1000,
  };
  const machine = machineInfo();
  const pinned = tasksetAvailable();
  console.log(`nativemessage benchmark — ${new Date(started).toISOString()}`);
  console.log(
    `${machine.cpuModel} x${machine.cpuCount}, node ${machine.node}, kernel ${machine.kernel}`,
  );
  console.log(
    `${options.connections} connections, warm-up ${options.warmupSec} s (1 s in later rounds), ` +
      `measured ${options.durationSec} s in ${options.rounds} rounds` +
      `${options.quick ? ' (--quick)' : ''}`,
  );
  console.log(
    pinned
      ? 'pinning: servers on CPU 0, load generator on CPU 1 (taskset)'
      : 'pinning: taskset is NOT available — servers and generator run unpinned, numbers are noisier',
  );

  try {
    build = buildBench();
    useBuild(build.dir);
    console.log(
      `transpiled ${build.files} files in ${build.seconds.toFixed(1)} s: processes run plain JavaScript`,
    );
  } catch (error) {
    console.log(`transpiling failed, running through ts-node instead: ${String(error)}`);
  }

  const needsPostgres = options.variants.some((v) => v.database === 'postgres');
  const pgProblem = needsPostgres ? await postgresProblem() : null;
  if (pgProblem) console.log(`PostgreSQL unreachable, its variants are skipped: ${pgProblem}`);
  if (needsPostgres && !pgProblem && pinned) {
    const moved = await pinPostgres(1);
    console.log(
      typeof moved === 'number'
        ? `pinning: PostgreSQL (${moved} processes) moved to CPU 1 for this run, restored at the end`
        : `pinning: PostgreSQL left where it is (${moved})`,
    );
  }
  const pgCpus = needsPostgres && !pgProblem ? await postgresCpus() : null;
  if (pgCpus !== null && pgCpus !== '1') {
    console.log(
      `note: PostgreSQL may run on CPUs ${pgCpus} (not pinned to CPU 1 by this harness, which leaves ` +
        'it alone): its work can share CPU 0 with the server',
    );
  }

  console.log(
    `${options.variants.length} variants started together, then ${options.rounds} rounds: each ` +
      `variant in turn measures ${(options.durationSec / options.rounds).toFixed(1)} s per round`,
  );
  let reported = 0;
  const outcomes = await measureVariants(
    options.variants,
    ctx,
    (variant) =>
      variant.database === 'postgres' && pgProblem ? `PostgreSQL unreachable: ${pgProblem}` : null,
    (outcome) => {
      reported++;
      console.log(
        `[${reported}/${options.variants.length}] ${outcome.variant.name} ... ${describeLoad(outcome)}`,
      );
      for (const file of outcome.profiles) console.log(`  CPU profile written to ${file}`);
    },
  );
  if (aborting) return;

  let memory: MemoryOutcome | null = null;
  if (options.runMemory) {
    console.log(`[memory] module-inline-memory-express, ${options.memoryDeliveries} deliveries`);
    memory = await measureMemory(ctx);
    if (aborting) return;
  }

  const list = rows(outcomes);
  const evaluated = targets(list, outcomes, memory);
  console.log('');
  for (const line of table(list)) console.log(line);
  console.log('');
  for (const line of lagLines(outcomes)) console.log(line);
  if (memory) console.log(memoryLine(memory));
  for (const file of memory?.profiles ?? []) console.log(`  CPU profile written to ${file}`);
  for (const line of noteLines(outcomes)) console.log(line);
  if (options.profile)
    console.log(`(${options.profile} ran under --cpu-prof: its numbers are distorted)`);
  console.log('\nTARGETS');
  for (const t of evaluated) console.log(`  ${t.status.padEnd(4)}  ${t.name}: ${t.detail}`);

  const durationSec = (Date.now() - started) / 1000;
  mkdirSync(RESULTS_DIR, { recursive: true });
  const file = join(RESULTS_DIR, 'latest.json');
  const report = {
    date: new Date(started).toISOString(),
    durationSec,
    options: optionsForJson(options),
    machine,
    pinning: { taskset: pinned, serverCpu: 0, loadGeneratorCpu: 1, postgresCpus: pgCpus },
    rows: list,
    variants: outcomes.map((o) => ({ ...o, variant: o.variant.name })),
    memory,
    targets: evaluated,
  };
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  console.log(`\nraw numbers: ${file}`);
  console.log(`total time: ${durationSec.toFixed(0)} s`);
}

process.on('SIGINT', () => void abort('interrupted', 130));
process.on('SIGTERM', () => void abort('terminated', 143));

main().then(
  async () => {
    await stopAll();
    await releaseAll();
    build?.remove();
  },
  (error: unknown) =>
    abort(`benchmark failed: ${error instanceof Error ? error.stack : String(error)}`, 1),
);
