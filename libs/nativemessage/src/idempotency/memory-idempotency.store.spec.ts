import { MemoryIdempotencyStore } from './memory-idempotency.store';

const at = (ms: number) => new Date(ms);
const keys = (n: number, webhookId: string | null = `wh_${n}`) => ({
  webhookId,
  bodySha256: n.toString(16).padStart(64, '0'),
});

describe('MemoryIdempotencyStore', () => {
  const make = (overrides: Partial<ConstructorParameters<typeof MemoryIdempotencyStore>[0]> = {}) =>
    new MemoryIdempotencyStore({
      retentionMs: 1000,
      maxEntries: 100,
      claimTimeoutMs: 500,
      ...overrides,
    });

  it('claims once; a second claim is in flight until completed, then duplicate', async () => {
    const store = make();
    expect(await store.claim(keys(1), at(0))).toBe('claimed');
    expect(await store.claim(keys(1), at(1))).toBe('in-flight');
    await store.complete(keys(1), at(2));
    expect(await store.claim(keys(1), at(3))).toBe('duplicate');
  });

  it('matches on either key', async () => {
    const store = make();
    await store.claim(keys(1, 'wh_a'), at(0));
    await store.complete(keys(1, 'wh_a'), at(0));
    expect(await store.claim({ webhookId: 'wh_a', bodySha256: 'f'.repeat(64) }, at(1))).toBe(
      'duplicate',
    );
    expect(await store.claim(keys(1, null), at(1))).toBe('duplicate');
    expect(await store.claim(keys(1, 'wh_other'), at(1))).toBe('duplicate');
  });

  it('lets a released claim be taken again', async () => {
    const store = make();
    await store.claim(keys(1), at(0));
    await store.release(keys(1));
    expect(await store.claim(keys(1), at(1))).toBe('claimed');
  });

  it('takes over a claim older than the claim timeout', async () => {
    const store = make();
    await store.claim(keys(1), at(0));
    expect(await store.claim(keys(1), at(499))).toBe('in-flight');
    expect(await store.claim(keys(1), at(500))).toBe('claimed');
  });

  it('forgets deliveries after the retention', async () => {
    const store = make();
    await store.claim(keys(1), at(0));
    await store.complete(keys(1), at(0));
    expect(await store.claim(keys(1), at(999))).toBe('duplicate');
    expect(await store.claim(keys(1), at(1000))).toBe('claimed');
  });

  it('purges expired receipts and reports how many', async () => {
    const store = make();
    for (let i = 0; i < 5; i++) await store.claim(keys(i), at(i * 100));
    expect(await store.purgeExpired(at(1250))).toBe(3);
    expect(store.size).toBe(2);
  });

  it('stays within maxEntries by forgetting the oldest handled deliveries', async () => {
    const store = make({ maxEntries: 3, retentionMs: 1e9 });
    for (let i = 0; i < 10; i++) {
      await store.claim(keys(i), at(i));
      await store.complete(keys(i), at(i));
    }
    expect(store.size).toBe(3);
    expect(await store.claim(keys(9), at(20))).toBe('duplicate');
    expect(await store.claim(keys(0), at(20))).toBe('claimed');
  });

  it('never evicts a claim in flight', async () => {
    const store = make({ maxEntries: 2, retentionMs: 1e9 });
    await store.claim(keys(1), at(0));
    await store.claim(keys(2), at(1));
    await store.claim(keys(3), at(2));
    expect(await store.claim(keys(1), at(3))).toBe('in-flight');
  });

  it('evicts handled deliveries behind an older claim in flight, and keeps that claim', async () => {
    const store = make({ maxEntries: 2, retentionMs: 1e9 });
    await store.claim(keys(1), at(0)); // oldest, stays in flight
    for (let i = 2; i < 6; i++) {
      await store.claim(keys(i), at(i));
      await store.complete(keys(i), at(i));
    }
    expect(store.size).toBe(2);
    expect(await store.claim(keys(1), at(10))).toBe('in-flight');
    expect(await store.claim(keys(5), at(10))).toBe('duplicate');
    expect(await store.claim(keys(2), at(10))).toBe('claimed');
    await store.complete(keys(1), at(11));
    expect(await store.claim(keys(1), at(12))).toBe('duplicate');
  });

  it('forgets a released claim even when eviction had passed it', async () => {
    const store = make({ maxEntries: 1, retentionMs: 1e9 });
    await store.claim(keys(1), at(0));
    await store.claim(keys(2), at(1));
    await store.complete(keys(2), at(1));
    await store.release(keys(1));
    expect(store.size).toBe(1);
    expect(await store.claim(keys(1), at(2))).toBe('claimed');
  });

  it('keeps a bounded list of rejected deliveries', async () => {
    const store = make({ maxRejected: 2 });
    for (let i = 0; i < 3; i++) {
      await store.recordRejected({ keys: keys(i), body: `b${i}`, problems: ['p'], at: at(i) });
    }
    expect(store.rejected.map((r) => r.body)).toEqual(['b1', 'b2']);
  });
});
