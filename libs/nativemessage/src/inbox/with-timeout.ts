/** Raised by {@link withTimeout} when the wait is over. */
export class StoreTimeoutError extends Error {
  constructor(ms: number) {
    super(`store did not answer within ${ms} ms`);
    this.name = 'StoreTimeoutError';
  }
}

/** Resolves like `promise`, or rejects with {@link StoreTimeoutError} after `ms`. */
export function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new StoreTimeoutError(ms)), ms);
    timer.unref();
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
