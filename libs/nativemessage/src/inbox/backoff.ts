/** Exponential backoff settings. */
export interface BackoffPolicy {
  /** Delay after the first failure, in ms. */
  readonly initialDelayMs: number;
  /** Upper bound of any delay, in ms. */
  readonly maxDelayMs: number;
}

/**
 * Delay before the next attempt after `attempts` failures: exponential (doubling from
 * `initialDelayMs`, capped at `maxDelayMs`) with "equal jitter": a random point in the upper half,
 * so retries of many deliveries that failed together spread out.
 */
export function backoffDelay(
  attempts: number,
  policy: BackoffPolicy,
  random: () => number = Math.random,
): number {
  const exponent = Math.min(Math.max(attempts - 1, 0), 30);
  const ceiling = Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** exponent);
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}
