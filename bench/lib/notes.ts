import type { VariantOutcome } from './measure';

/** Share of CPU 0 used by something else than the server above which a variant is flagged. */
const FOREIGN_LIMIT = 10;

function generatorLines(outcomes: VariantOutcome[]): string[] {
  const loads = outcomes.flatMap((o) => (o.load ? [{ name: o.variant.name, load: o.load }] : []));
  if (loads.length === 0) return [];
  const busiest = loads.reduce((a, b) =>
    b.load.generatorCpuPercent > a.load.generatorCpuPercent ? b : a,
  );
  const g = loads[0].load.generator;
  const live = loads.filter((l) => l.load.generator.liveSigned > 0).map((l) => l.name);
  const lines = [
    `generator: ${g.poolSize} deliveries pre-signed per run (${g.pregenSeconds.toFixed(1)} s); ` +
      `signing on the fly would cost ${g.liveSignMicros.toFixed(1)} µs/req; busiest generator ` +
      `${busiest.load.generatorCpuPercent.toFixed(0)}% of its core (${busiest.name})`,
  ];
  if (live.length > 0) lines.push(`  pool ran out (rest signed on the fly) in: ${live.join(', ')}`);
  const saturated = loads.filter((l) => l.load.generatorCpuPercent >= 90).map((l) => l.name);
  if (saturated.length > 0) {
    lines.push(`  WARNING: generator near 100% CPU, it may have limited: ${saturated.join(', ')}`);
  }
  return lines;
}

/** Variants whose CPU was shared with other work (other processes, interrupts, the hypervisor). */
function interferenceLines(outcomes: VariantOutcome[]): string[] {
  const disturbed = outcomes.flatMap((o) => {
    const foreign = (o.load?.serverCpuForeignPercent ?? 0) + (o.load?.serverCpuStealPercent ?? 0);
    return foreign >= FOREIGN_LIMIT ? [`${o.variant.name} ${foreign.toFixed(0)}%`] : [];
  });
  if (disturbed.length === 0) return [];
  return [
    `note: CPU 0 was also busy with other work (PostgreSQL, other processes, interrupts, steal) ` +
      `during: ${disturbed.join(', ')}; for the PostgreSQL variants that is mostly the database`,
  ];
}

/** Lines about the generator and about interference, printed under the table. */
export function noteLines(outcomes: VariantOutcome[]): string[] {
  return [...generatorLines(outcomes), ...interferenceLines(outcomes)];
}
