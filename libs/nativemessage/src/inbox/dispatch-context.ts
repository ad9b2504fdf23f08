import { AsyncLocalStorage } from 'node:async_hooks';

const storage = new AsyncLocalStorage<{ readonly transaction: unknown }>();

/** Runs `fn` with `transaction` as the current dispatch transaction. */
export function runInDispatchTransaction<T>(
  transaction: unknown,
  fn: () => Promise<T>,
): Promise<T> {
  return storage.run({ transaction }, fn);
}

/** The transaction of the inbox dispatch running the current handler, if any. */
export function currentDispatchTransaction(): unknown {
  return storage.getStore()?.transaction;
}
