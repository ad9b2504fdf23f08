import type { NativeMessageModuleOptions, NativeMessageWebhookOptions } from 'nestjs-nativemessage';
import type { NativeMessageHealthThresholds } from 'nestjs-nativemessage/terminus';

/** Signing secret used when `NATIVEMESSAGE_WEBHOOK_SECRET` is unset outside production. */
export const DEVELOPMENT_WEBHOOK_SECRET = 'nativemessage-development-secret';

/** Database used when `DATABASE_URL` is unset. */
export const DEFAULT_DATABASE_URL = 'sqlite:data/nativemessage.sqlite';

/** Settings of the example app, read from the environment. */
export interface AppConfig {
  /** HTTP port. */
  readonly port: number;
  /** `sqlite:<path>` or `postgres://...`. */
  readonly databaseUrl: string;
  /** Webhook signing secrets. */
  readonly webhookSecrets: string[];
  /** Whether the documented development secret is in use. */
  readonly usingDevelopmentSecret: boolean;
  /** `inbox` (durable, the default) or `inline`. */
  readonly dispatch: 'inbox' | 'inline';
  /** Where receipts live: the app's database (default) or memory (inline only; for tests). */
  readonly receiptStore: 'database' | 'memory';
  /**
   * Metadata for the host's global guards on the webhook route (the module's `routeMetadata` extra);
   * not read from the environment.
   */
  readonly webhookRouteMetadata?: Record<string, unknown>;
  /** Thresholds of `GET /health` (defaults: backlog 1000, oldest pending 5 min). */
  readonly health?: NativeMessageHealthThresholds;
  /** Module tuning (retries, retention, ...); not read from the environment, used by tests. */
  readonly tuning?: Pick<NativeMessageModuleOptions, 'inbox' | 'idempotency' | 'client'> & {
    webhook?: Omit<NativeMessageWebhookOptions, 'secrets'>;
  };
}

/**
 * Reads the example app's settings: `PORT` (default 3000), `DATABASE_URL`
 * (default `sqlite:data/nativemessage.sqlite`) and `NATIVEMESSAGE_WEBHOOK_SECRET` (comma-separated
 * for rotation; a development secret when unset, refused when `NODE_ENV=production`),
 * `NATIVEMESSAGE_DISPATCH` (`inbox` or `inline`, default `inbox`) and `NATIVEMESSAGE_RECEIPT_STORE`
 * (`database` or `memory`, default `database`; memory works with inline dispatch only).
 * @throws Error with the fix when a value is unusable
 */
export function loadAppConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const portText = env.PORT ?? '3000';
  const port = Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`PORT must be an integer between 0 and 65535, got "${portText}"`);
  }
  const rawSecrets = env.NATIVEMESSAGE_WEBHOOK_SECRET;
  let webhookSecrets: string[];
  let usingDevelopmentSecret = false;
  if (rawSecrets === undefined || rawSecrets.trim() === '') {
    if (env.NODE_ENV === 'production') {
      throw new Error(
        'NATIVEMESSAGE_WEBHOOK_SECRET is required when NODE_ENV=production: set it to the signing secret of your webhook subscription (comma-separated to accept several during a rotation)',
      );
    }
    webhookSecrets = [DEVELOPMENT_WEBHOOK_SECRET];
    usingDevelopmentSecret = true;
  } else {
    webhookSecrets = rawSecrets
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s.length > 0);
  }
  const dispatch = env.NATIVEMESSAGE_DISPATCH ?? 'inbox';
  if (dispatch !== 'inbox' && dispatch !== 'inline') {
    throw new Error(`NATIVEMESSAGE_DISPATCH must be "inbox" or "inline", got "${dispatch}"`);
  }
  const receiptStore = env.NATIVEMESSAGE_RECEIPT_STORE ?? 'database';
  if (receiptStore !== 'database' && receiptStore !== 'memory') {
    throw new Error(
      `NATIVEMESSAGE_RECEIPT_STORE must be "database" or "memory", got "${receiptStore}"`,
    );
  }
  return {
    port,
    databaseUrl: env.DATABASE_URL?.trim() || DEFAULT_DATABASE_URL,
    webhookSecrets,
    usingDevelopmentSecret,
    dispatch,
    receiptStore,
  };
}
