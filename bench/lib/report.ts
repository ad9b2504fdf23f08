import type { MemoryOutcome } from './memory';
import { BOUND_FACTOR, MEMORY_SERVER } from './memory';
import type { VariantOutcome } from './measure';
import type { Variant } from './options';

/** One evaluated target. */
export interface Target {
  name: string;
  status: 'PASS' | 'FAIL' | 'SKIP';
  detail: string;
}

/** A variant's computed row (also what goes into latest.json). */
export interface Row {
  variant: string;
  reqPerSec: number | null;
  p50Ms: number | null;
  p99Ms: number | null;
  non2xx: number | null;
  errors: number | null;
  peakRssMb: number | null;
  cpuMicrosPerRequest: number | null;
  /** Share of CPU 0 used by other work during the measured window (other processes, steal). */
  cpu0OtherPercent: number | null;
  vsBare: number | null;
  vsSample: number | null;
  error: string | null;
}

const mb = (kb: number | null) => (kb === null ? null : kb / 1024);

function fixed(value: number | null, digits: number): string {
  return value === null ? '-' : value.toFixed(digits);
}

function rate(outcomes: VariantOutcome[], match: (v: Variant) => boolean): number | null {
  const found = outcomes.find((o) => match(o.variant) && o.load !== null);
  return found?.load?.measured.reqPerSec ?? null;
}

/** Rows with ratios against the baselines measured in this run. */
export function rows(outcomes: VariantOutcome[]): Row[] {
  const sample = rate(outcomes, (v) => v.kind === 'sample');
  return outcomes.map(({ variant, load, peakRssKb, error }) => {
    const own = load?.measured.reqPerSec ?? null;
    const bare = rate(outcomes, (v) => v.kind === 'bare' && v.adapter === variant.adapter);
    return {
      variant: variant.name,
      reqPerSec: own,
      p50Ms: load?.measured.latencyMs.p50 ?? null,
      p99Ms: load?.measured.latencyMs.p99 ?? null,
      non2xx: load ? load.measured.non2xx + (load.warmup?.non2xx ?? 0) : null,
      errors: load ? load.measured.errors + (load.warmup?.errors ?? 0) : null,
      peakRssMb: mb(peakRssKb),
      cpuMicrosPerRequest: load?.serverCpuMicrosPerRequest ?? null,
      cpu0OtherPercent: load
        ? (load.serverCpuForeignPercent ?? 0) + (load.serverCpuStealPercent ?? 0)
        : null,
      vsBare: own !== null && bare ? own / bare : null,
      vsSample: own !== null && sample ? own / sample : null,
      error,
    };
  });
}

/** The results table, one line per variant. */
export function table(list: Row[]): string[] {
  const head = ['variant', 'req/s', 'p50 ms', 'p99 ms', 'non-2xx', 'errors', 'peak RSS MB'];
  head.push('CPU µs/req', 'vs bare', 'vs sample');
  const body = list.map((r) => [
    r.variant,
    fixed(r.reqPerSec, 0),
    fixed(r.p50Ms, 2),
    fixed(r.p99Ms, 2),
    fixed(r.non2xx, 0),
    fixed(r.errors, 0),
    fixed(r.peakRssMb, 1),
    fixed(r.cpuMicrosPerRequest, 0),
    r.vsBare === null ? '-' : `${r.vsBare.toFixed(2)}x`,
    r.vsSample === null ? '-' : `${r.vsSample.toFixed(2)}x`,
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  const out = [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)];
  for (const r of list) if (r.error) out.push(`  ${r.variant} FAILED: ${r.error.split('\n')[0]}`);
  return out;
}

/** The inbox lag lines. */
export function lagLines(outcomes: VariantOutcome[]): string[] {
  return outcomes
    .filter((o) => o.lag !== null)
    .map(({ variant, lag }) => {
      const l = lag!;
      const state = l.drained
        ? `drained ${l.drainSeconds.toFixed(1)} s after the load`
        : `NOT drained after ${l.drainSeconds.toFixed(0)} s: pending ${l.pending}, processing ${l.processing}`;
      return (
        `inbox lag ${variant.name}: p50 ${fixed(l.p50, 0)} ms, p99 ${fixed(l.p99, 0)} ms, ` +
        `max ${fixed(l.max, 0)} ms (${l.handled}/${l.accepted} handled, ${state}, dead ${l.dead})`
      );
    });
}

/** The memory line. */
export function memoryLine(m: MemoryOutcome): string {
  if (m.error) return `memory ${MEMORY_SERVER}: FAILED: ${m.error.split('\n')[0]}`;
  const cut = m.stoppedEarly ? ` (stopped by the time bound after ${m.responses})` : '';
  return (
    `memory ${MEMORY_SERVER}: ${m.responses}/${m.requested} distinct deliveries${cut} in ` +
    `${m.seconds.toFixed(1)} s (${m.reqPerSec.toFixed(0)} req/s, non-2xx ${m.non2xx}, errors ` +
    `${m.errors}); store cap ${m.cap}, store size ${m.storeSize ?? '-'}; RSS at cap ` +
    `${fixed(mb(m.rssAtCapKb), 1)} MB, RSS half-way (${m.halfResponses ?? '-'}) ` +
    `${fixed(mb(m.rssHalfKb), 1)} MB, RSS after ${fixed(mb(m.rssAfterKb), 1)} MB, peak ` +
    `${fixed(mb(m.peakRssKb), 1)} MB; RSS by checkpoint (MB): ` +
    m.checkpoints.map((c) => `${c.responses / 1000}k ${fixed(mb(c.rssKb), 0)}`).join(', ')
  );
}

function memoryDetail(m: MemoryOutcome): string {
  if (m.error) return `failed: ${m.error.split('\n')[0]}`;
  if (m.bounded === null) {
    return `too few deliveries past the cap (${m.cap}) to judge (${m.responses} deliveries)`;
  }
  const growth = ((m.rssAfterKb! / m.rssHalfKb! - 1) * 100).toFixed(0);
  return (
    `RSS ${fixed(mb(m.rssHalfKb), 0)} MB half-way -> ${fixed(mb(m.rssAfterKb), 0)} MB after ` +
    `${m.responses} deliveries (${growth}%), store size ${m.storeSize ?? '-'} of ${m.cap}`
  );
}

/** Above this share of CPU 0 taken by other work, a ratio is marked unreliable. */
const DISTURBED_PERCENT = 10;

function ratioTarget(
  name: string,
  list: Row[],
  [variant, baseline]: [string, string],
  key: 'vsBare' | 'vsSample',
  min: number,
): Target {
  const value = list.find((r) => r.variant === variant)?.[key] ?? null;
  if (value === null) return { name, status: 'SKIP', detail: 'variant or baseline not measured' };
  const disturbed = list
    .filter((r) => (r.variant === variant || r.variant === baseline) && r.cpu0OtherPercent !== null)
    .filter((r) => r.cpu0OtherPercent! >= DISTURBED_PERCENT)
    .map((r) => `${r.variant} ${r.cpu0OtherPercent!.toFixed(0)}%`);
  const note =
    disturbed.length > 0
      ? ` (unreliable: CPU 0 also busy with other work: ${disturbed.join(', ')})`
      : '';
  return { name, status: value >= min ? 'PASS' : 'FAIL', detail: `${value.toFixed(2)}x${note}` };
}

/** Evaluates the targets on this run's numbers. */
export function targets(list: Row[], outcomes: VariantOutcome[], memory: MemoryOutcome | null) {
  const result: Target[] = [
    ratioTarget(
      'inline+memory Express >= 0.80x bare Express',
      list,
      ['module-inline-memory-express', 'nest-express-bare'],
      'vsBare',
      0.8,
    ),
    ratioTarget(
      'inline+memory Fastify >= 0.60x bare Fastify',
      list,
      ['module-inline-memory-fastify', 'nest-fastify-bare'],
      'vsBare',
      0.6,
    ),
    ratioTarget(
      'inbox+PostgreSQL Fastify >= 1.0x provider-sample',
      list,
      ['module-inbox-postgres-fastify', 'provider-sample'],
      'vsSample',
      1.0,
    ),
    ratioTarget(
      'inbox+SQLite Express >= 0.60x bare Express',
      list,
      ['module-inbox-sqlite-express', 'nest-express-bare'],
      'vsBare',
      0.6,
    ),
  ];
  const measured = list.filter((r) => r.error === null);
  const unmeasured = list.filter((r) => r.error !== null).map((r) => r.variant);
  const missing = unmeasured.length > 0 ? ` (not measured: ${unmeasured.join(', ')})` : '';
  const modules = measured.filter((r) => r.variant.startsWith('module-'));
  const slow = modules.filter((r) => r.p99Ms === null || r.p99Ms > 50);
  result.push({
    name: 'p99 <= 50 ms for every module variant',
    status: modules.length === 0 ? 'SKIP' : slow.length === 0 ? 'PASS' : 'FAIL',
    detail:
      (slow.map((r) => `${r.variant} ${fixed(r.p99Ms, 1)} ms`).join(', ') ||
        `${modules.length} variants`) + missing,
  });
  const bad = measured.filter((r) => r.non2xx !== 0 || r.errors !== 0);
  result.push({
    name: 'zero non-2xx (and zero errors) in every variant',
    status: measured.length === 0 ? 'SKIP' : bad.length === 0 ? 'PASS' : 'FAIL',
    detail:
      (bad
        .map((r) => `${r.variant} ${r.non2xx ?? '-'} non-2xx, ${r.errors ?? '-'} errors`)
        .join(', ') || 'none') + missing,
  });
  const lags = outcomes.filter((o) => o.lag !== null);
  const late = lags.filter((o) => !o.lag!.drained || o.lag!.p99 === null || o.lag!.p99 > 250);
  result.push({
    name: 'inbox lag p99 <= 250 ms',
    status: lags.length === 0 ? 'SKIP' : late.length === 0 ? 'PASS' : 'FAIL',
    detail:
      lags
        .map(
          (o) =>
            `${o.variant.name} ${fixed(o.lag!.p99, 0)} ms${o.lag!.drained ? '' : ' (not drained)'}`,
        )
        .join(', ') || 'no inbox variant',
  });
  const bounded = memory?.bounded ?? null;
  result.push({
    name: `memory store RSS bounded (after <= ${BOUND_FACTOR}x RSS half-way, store <= cap)`,
    status: bounded === null ? 'SKIP' : bounded ? 'PASS' : 'FAIL',
    detail: memory ? memoryDetail(memory) : 'memory run not part of this run',
  });
  return result;
}
