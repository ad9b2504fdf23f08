import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { createDlrPayload, signWebhook } from 'nestjs-nativemessage/testing';
import { deliver, request } from './support/http';
import { createTestSchema, postgresEnabled } from './support/postgres';
import { HostProcess, inBatches, startHost } from './support/processes';
import { TEST_SECRET } from './support/tracker-app';
import { waitFor } from './support/wait';

/** Lines of every invocation log in `dir`. */
function invocations(dir: string, names: string[]): string[] {
  return names.flatMap((name) => {
    const file = join(dir, name);
    return existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : [];
  });
}

const countBy = (ids: string[]) => {
  const counts = new Map<string, number>();
  for (const id of ids) counts.set(id, (counts.get(id) ?? 0) + 1);
  return counts;
};

async function inboxCounts(url: string): Promise<{ pending: number; dead: number }> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ status: string; n: string }>(
      'SELECT status, count(*) AS n FROM nativemessage_inbox GROUP BY status',
    );
    const get = (s: string) => Number(rows.find((r) => r.status === s)?.n ?? 0);
    return { pending: get('pending'), dead: get('dead') };
  } finally {
    await client.end();
  }
}

// These suites start real processes on a shared PostgreSQL; the global set-up decides whether
// PostgreSQL runs (and fails the run when REQUIRE_POSTGRES=1 and it does not).
const describeWithPostgres = postgresEnabled() ? describe : describe.skip;

describeWithPostgres('three app processes on one PostgreSQL database', () => {
  let dir: string;
  let schema: Awaited<ReturnType<typeof createTestSchema>>;
  const hosts: HostProcess[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'nm-procs-'));
    schema = await createTestSchema();
    // One after the other: the first runs the migrations, the others find them done.
    for (let i = 0; i < 3; i++) {
      hosts.push(
        await startHost({
          DATABASE_URL: schema.url,
          NATIVEMESSAGE_WEBHOOK_SECRET: TEST_SECRET,
          INVOCATION_LOG: join(dir, `host-${i}.log`),
        }),
      );
    }
  }, 180_000);

  afterAll(async () => {
    await Promise.all(hosts.map((h) => h.stop()));
    await schema.drop();
    rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  it('handles each of 1,000 deliveries exactly once when each is sent twice at once to two instances', async () => {
    const payloads = Array.from({ length: 1000 }, () => createDlrPayload({ status: 'submitted' }));
    const signed = payloads.map((p) => signWebhook(p, TEST_SECRET));
    const replies = await inBatches(
      signed.map((s, i) => async () => {
        const a = hosts[i % 3];
        const b = hosts[(i + 1) % 3];
        return Promise.all([
          deliver(`${a.baseUrl}/webhooks/nativemessage`, s),
          deliver(`${b.baseUrl}/webhooks/nativemessage`, s),
        ]);
      }),
      25,
    );
    for (const pair of replies) {
      expect(pair.map((r) => r.status)).toEqual([200, 200]);
      const fresh = pair.filter((r) => (r.json as { duplicate?: boolean }).duplicate !== true);
      expect(fresh).toHaveLength(1);
    }

    const ids = signed.map((s) => s.headers['x-webhook-id']);
    const logs = ['host-0.log', 'host-1.log', 'host-2.log'];
    await waitFor(() => invocations(dir, logs).length >= 1000, '1,000 handler invocations', 60_000);
    await waitFor(
      async () => (await inboxCounts(schema.url)).pending === 0,
      'an empty inbox',
      30_000,
    );
    // Give late duplicates, if any, a chance to show up before counting.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const counts = countBy(invocations(dir, logs));
    expect(counts.size).toBe(1000);
    expect([...counts.values()].every((n) => n === 1)).toBe(true);
    expect(new Set(ids)).toEqual(new Set(counts.keys()));
    const perHost = logs.map((l) => invocations(dir, [l]).length);
    // Work is shared: every instance handled some deliveries.
    expect(perHost.every((n) => n > 0)).toBe(true);
    process.stdout.write(`deliveries handled per instance: ${perHost.join(', ')}\n`);
  }, 240_000);
});

describe.each([
  ['postgres', postgresEnabled()],
  ['sqlite', true],
] as const)('a process killed with SIGKILL while handling (%s)', (database, enabled) => {
  // PostgreSQL variant: see describeWithPostgres above.
  const maybeIt = enabled ? it : it.skip;

  maybeIt(
    'handles every accepted delivery after a restart, leaves nothing stuck, and no history shows a delivery twice',
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'nm-kill-'));
      const schema = database === 'postgres' ? await createTestSchema() : null;
      const env = {
        DATABASE_URL: schema ? schema.url : `sqlite:${join(dir, 'app.sqlite')}`,
        NATIVEMESSAGE_WEBHOOK_SECRET: TEST_SECRET,
        HANDLER_DELAY_MS: '15',
      };
      let host = await startHost({ ...env, INVOCATION_LOG: join(dir, 'before.log') });
      try {
        const payloads = Array.from({ length: 300 }, () => createDlrPayload());
        const replies = await inBatches(
          payloads.map(
            (p) => () =>
              deliver(`${host.baseUrl}/webhooks/nativemessage`, signWebhook(p, TEST_SECRET)),
          ),
          20,
        );
        expect(replies.every((r) => r.status === 200)).toBe(true);
        await waitFor(
          () => invocations(dir, ['before.log']).length >= 30,
          'handling to be under way',
        );
        await host.kill();
        const handledBefore = invocations(dir, ['before.log']).length;
        expect(handledBefore).toBeLessThan(300);

        host = await startHost({ ...env, INVOCATION_LOG: join(dir, 'after.log') });
        const view = async (id: string) => request(`${host.baseUrl}/messages/${id}`);
        await inBatches(
          payloads.map((p) => async () => {
            await waitFor(
              async () => (await view(p.message_id)).status === 200,
              p.message_id,
              60_000,
            );
          }),
          10,
        );
        for (const p of payloads) {
          const history = ((await view(p.message_id)).json as { history: unknown[] }).history;
          expect(history).toHaveLength(1);
        }
        if (schema) {
          await waitFor(
            async () => (await inboxCounts(schema.url)).pending === 0,
            'an empty inbox',
          );
          expect(await inboxCounts(schema.url)).toEqual({ pending: 0, dead: 0 });
        }
        process.stdout.write(
          `${database}: ${handledBefore} invocations before the kill, ${invocations(dir, ['after.log']).length} after the restart\n`,
        );
      } finally {
        await host.stop();
        await schema?.drop();
        rmSync(dir, { recursive: true, force: true });
      }
    },
    240_000,
  );
});
