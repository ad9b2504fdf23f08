/** What a variant is, for ratios and targets. */
export interface Variant {
  name: string;
  adapter: 'express' | 'fastify';
  kind: 'bare' | 'sample' | 'inline' | 'inbox';
  database: 'sqlite' | 'postgres' | null;
}

/** Every variant, in the order they run (baselines first). */
export const VARIANTS: Variant[] = [
  { name: 'nest-express-bare', adapter: 'express', kind: 'bare', database: null },
  { name: 'nest-fastify-bare', adapter: 'fastify', kind: 'bare', database: null },
  { name: 'provider-sample', adapter: 'express', kind: 'sample', database: null },
  { name: 'module-inline-memory-express', adapter: 'express', kind: 'inline', database: null },
  { name: 'module-inline-memory-fastify', adapter: 'fastify', kind: 'inline', database: null },
  { name: 'module-inbox-sqlite-express', adapter: 'express', kind: 'inbox', database: 'sqlite' },
  { name: 'module-inbox-sqlite-fastify', adapter: 'fastify', kind: 'inbox', database: 'sqlite' },
  {
    name: 'module-inbox-postgres-express',
    adapter: 'express',
    kind: 'inbox',
    database: 'postgres',
  },
  {
    name: 'module-inbox-postgres-fastify',
    adapter: 'fastify',
    kind: 'inbox',
    database: 'postgres',
  },
];

/** Name of the memory measurement in `--only`. */
export const MEMORY = 'memory';

/** Options of one run. */
export interface BenchOptions {
  quick: boolean;
  warmupSec: number;
  durationSec: number;
  connections: number;
  /**
   * Slices each variant's measured time is cut into. The variants take turns, one slice each per
   * round, so slow drift of a shared machine hits baselines and modules alike.
   */
  rounds: number;
  variants: Variant[];
  runMemory: boolean;
  memoryDeliveries: number;
  /** Variant started with `--cpu-prof`, if any. */
  profile: string | null;
  /** Deliveries signed before each load run. */
  poolSize: number;
  /** Bound on the whole run, in seconds. */
  budgetSec: number;
}

export const USAGE = `npm run bench -- [options]
  --quick                 warm-up 1 s, 4 s measured, 200,000 deliveries for the memory run
  --only <a,b,...>        run these variants only ('${MEMORY}' = the memory run); see bench/README.md
  --duration <s>          measured seconds per variant (default 15, quick 4)
  --rounds <n>            turns the variants take, each measuring duration/n seconds (default 3)
  --warmup <s>            warm-up seconds before the first round (default 5, quick 2)
  --connections <n>       concurrent connections (default 50)
  --memory <n>            deliveries of the memory run (default 1,000,000, quick 200,000)
  --profile <variant>     start that server with node --cpu-prof (into bench/results/profiles)`;

function positive(flag: string, value: string | undefined, integer: boolean): number {
  const n = Number(value);
  if (value === undefined || !Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n))) {
    throw new Error(`${flag} needs a positive ${integer ? 'integer' : 'number'}, got ${value}`);
  }
  return n;
}

function known(name: string): string {
  if (name !== MEMORY && !VARIANTS.some((v) => v.name === name)) {
    const names = [...VARIANTS.map((v) => v.name), MEMORY].join(', ');
    throw new Error(`unknown variant "${name}"; one of: ${names}`);
  }
  return name;
}

/** Parses the command line; throws with a readable message on a bad option. */
export function parseOptions(argv: string[]): BenchOptions {
  const quick = argv.includes('--quick');
  const options: BenchOptions = {
    quick,
    warmupSec: quick ? 2 : 5,
    durationSec: quick ? 6 : 15,
    connections: 50,
    rounds: 3,
    variants: VARIANTS,
    runMemory: true,
    memoryDeliveries: quick ? 200_000 : 1_000_000,
    profile: null,
    poolSize: quick ? 100_000 : 150_000,
    budgetSec: 570,
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = (): string | undefined => argv[++i];
    switch (flag) {
      case '--quick':
        break;
      case '--only': {
        const names = (value() ?? '').split(',').filter(Boolean).map(known);
        if (names.length === 0) throw new Error('--only needs a comma-separated list of variants');
        options.variants = VARIANTS.filter((v) => names.includes(v.name));
        options.runMemory = names.includes(MEMORY);
        break;
      }
      case '--duration':
        options.durationSec = positive(flag, value(), false);
        break;
      case '--warmup':
        options.warmupSec = Number(value() ?? 'x');
        if (!(options.warmupSec >= 0)) throw new Error('--warmup needs a number >= 0');
        break;
      case '--connections':
        options.connections = positive(flag, value(), true);
        break;
      case '--rounds':
        options.rounds = positive(flag, value(), true);
        break;
      case '--memory':
        options.memoryDeliveries = positive(flag, value(), true);
        break;
      case '--profile':
        options.profile = known(value() ?? '');
        break;
      default:
        throw new Error(`unknown option ${flag}\n${USAGE}`);
    }
  }
  return options;
}
