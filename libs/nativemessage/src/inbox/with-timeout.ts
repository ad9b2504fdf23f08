/** Raised by {@link withTimeout} when the wait is over. */
export class StoreTimeoutError extends Error {
  constructor(ms: number) {
    super(`store did not answer within ${ms} ms`);
    this.name = 'StoreTimeoutError';
  }
}

/**
 * Resolves like `promise`, or rejects with {@link StoreTimeoutError} after `ms`. One timer and one
 * promise per call: it wraps every store call on the request path.
 */
export function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new StoreTimeoutError(ms)), ms);
    timer.unref();
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        // Passed on as the store raised it.
        // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
        reject(error);
      },
    );
  });
}
