import { backoffDelay } from './backoff';

describe('backoffDelay', () => {
  const policy = { initialDelayMs: 1000, maxDelayMs: 60_000 };

  it('doubles per attempt within the jitter band', () => {
    expect(backoffDelay(1, policy, () => 0)).toBe(500);
    expect(backoffDelay(1, policy, () => 1)).toBe(1000);
    expect(backoffDelay(2, policy, () => 1)).toBe(2000);
    expect(backoffDelay(4, policy, () => 0)).toBe(4000);
  });

  it('never exceeds the maximum, even after many attempts', () => {
    expect(backoffDelay(50, policy, () => 1)).toBe(60_000);
    expect(backoffDelay(1000, policy, () => 0.5)).toBe(45_000);
  });

  it('spreads delays with real randomness', () => {
    const delays = new Set(Array.from({ length: 50 }, () => backoffDelay(3, policy)));
    expect(delays.size).toBeGreaterThan(10);
    for (const d of delays) {
      expect(d).toBeGreaterThanOrEqual(2000);
      expect(d).toBeLessThanOrEqual(4000);
    }
  });
});
