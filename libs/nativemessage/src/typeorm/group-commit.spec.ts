import { GroupCommitter } from './group-commit';

describe('GroupCommitter', () => {
  it('writes what arrives together in one batch and answers each caller', async () => {
    const batches: number[][] = [];
    const committer = new GroupCommitter<number, number>((items) => {
      batches.push(items);
      return items.map((i) => i * 10);
    });
    const results = await Promise.all([1, 2, 3].map((i) => committer.submit(i)));
    expect(results).toEqual([10, 20, 30]);
    expect(batches).toEqual([[1, 2, 3]]);
  });

  it('queues arrivals during a write for the next batch, respecting the batch size', async () => {
    const batches: number[][] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const committer = new GroupCommitter<number, number>(async (items) => {
      batches.push(items);
      if (batches.length === 1) await gate;
      return items;
    }, 2);
    const first = committer.submit(1);
    await new Promise((r) => setImmediate(r));
    const later = [2, 3, 4].map((i) => committer.submit(i));
    release();
    expect(await Promise.all([first, ...later])).toEqual([1, 2, 3, 4]);
    expect(batches).toEqual([[1], [2, 3], [4]]);
  });

  it('rejects every caller of a failed batch, and goes on with the next', async () => {
    let fail = true;
    const committer = new GroupCommitter<number, number>((items) => {
      if (fail) {
        fail = false;
        throw new Error('disk full');
      }
      return items;
    });
    const failed = await Promise.allSettled([committer.submit(1), committer.submit(2)]);
    expect(failed.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(await committer.submit(3)).toBe(3);
  });

  it('writes up to maxInFlight batches at the same time, and queues the rest', async () => {
    const releases: (() => void)[] = [];
    const batches: number[][] = [];
    const committer = new GroupCommitter<number, number>(
      (items) => {
        batches.push(items);
        return new Promise((resolve) => releases.push(() => resolve(items)));
      },
      500,
      2,
    );
    const first = committer.submit(1);
    await new Promise((resolve) => setImmediate(resolve));
    const second = committer.submit(2);
    await new Promise((resolve) => setImmediate(resolve));
    const queued = [3, 4].map((i) => committer.submit(i));
    await new Promise((resolve) => setImmediate(resolve));
    expect(batches).toEqual([[1], [2]]); // two in flight; 3 and 4 wait
    releases[0]();
    expect(await first).toBe(1);
    await new Promise((resolve) => setImmediate(resolve));
    expect(batches).toEqual([[1], [2], [3, 4]]);
    releases[1]();
    releases[2]();
    expect(await Promise.all([second, ...queued])).toEqual([2, 3, 4]);
  });
});
