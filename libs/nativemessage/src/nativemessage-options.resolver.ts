import {
  DEFAULT_BODY_LIMIT_BYTES,
  DEFAULT_CLAIM_TIMEOUT_MS,
  DEFAULT_KEYWORDS,
  DEFAULT_MEMORY_STORE_MAX_ENTRIES,
  DEFAULT_RETENTION_MS,
  DEFAULT_WEBHOOK_PATH,
} from './nativemessage.constants';
import { NativeMessageConfigurationError } from './nativemessage.errors';
import { resolveClientOptions } from './client/client-options';
import type {
  NativeMessageModuleOptions,
  ResolvedNativeMessageOptions,
} from './interfaces/nativemessage-options.interface';

const KNOWN_KEYS: Record<string, readonly string[]> = {
  '': ['webhook', 'keywords', 'idempotency', 'dispatch', 'inbox', 'client', 'metrics'],
  webhook: ['secrets', 'bodyLimit', 'storeTimeoutMs', 'maxEventAgeMs', 'maxFutureSkewMs'],
  metrics: ['meterProvider'],
  keywords: ['optOut', 'optIn', 'help'],
  idempotency: ['retentionMs', 'maxEntries', 'claimTimeoutMs', 'purgeIntervalMs', 'store'],
  inbox: [
    'maxAttempts',
    'initialBackoffMs',
    'maxBackoffMs',
    'pollIntervalMs',
    'batchSize',
    'concurrency',
    'leaseMs',
    'shutdownTimeoutMs',
    'dispatcher',
  ],
};

const PATH_PATTERN = /^(\/[A-Za-z0-9._~-]+)+$/;

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function checkUnknownKeys(section: string, value: Record<string, unknown>, problems: string[]) {
  const known = KNOWN_KEYS[section];
  for (const key of Object.keys(value)) {
    if (!known.includes(key)) {
      const where = section ? `${section}.${key}` : key;
      problems.push(`unknown option "${where}" (known: ${known.join(', ')})`);
    }
  }
}

function positiveInteger(
  name: string,
  value: unknown,
  fallback: number,
  problems: string[],
): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) {
    problems.push(`${name} must be a positive integer, got ${JSON.stringify(value)}`);
    return fallback;
  }
  return value;
}

function checkSecrets(value: unknown, problems: string[]): string[] {
  if (!Array.isArray(value) || value.length === 0) {
    problems.push(
      'webhook.secrets must be a non-empty array of signing secrets (the secret of your webhook subscription)',
    );
    return [];
  }
  const secrets: string[] = [];
  value.forEach((secret: unknown, i) => {
    // Never echo a secret: only its position and what is wrong with it.
    if (typeof secret !== 'string' || secret.length === 0) {
      problems.push(`webhook.secrets[${i}] must be a non-empty string`);
    } else if (secret.trim() !== secret) {
      problems.push(
        `webhook.secrets[${i}] has surrounding whitespace; signatures are computed over the exact secret, so trim it where it is loaded`,
      );
    } else {
      secrets.push(secret);
    }
  });
  return secrets;
}

function checkKeywords(
  value: unknown,
  problems: string[],
): ResolvedNativeMessageOptions['keywords'] {
  const given = isRecord(value) ? value : {};
  if (value !== undefined && !isRecord(value)) problems.push('keywords must be an object');
  else if (isRecord(value)) checkUnknownKeys('keywords', value, problems);
  const owner = new Map<string, string>();
  const build = (kind: 'optOut' | 'optIn' | 'help'): Set<string> => {
    const list = given[kind] ?? DEFAULT_KEYWORDS[kind];
    const set = new Set<string>();
    if (!Array.isArray(list)) {
      problems.push(`keywords.${kind} must be an array of strings`);
      return set;
    }
    for (const word of list as unknown[]) {
      if (typeof word !== 'string' || word.trim() === '') {
        problems.push(`keywords.${kind} contains an empty or non-string keyword`);
        continue;
      }
      const normalised = word.trim().toUpperCase();
      const other = owner.get(normalised);
      if (other && other !== kind) {
        problems.push(
          `keyword "${normalised}" is listed in both keywords.${other} and keywords.${kind}`,
        );
      }
      owner.set(normalised, kind);
      set.add(normalised);
    }
    return set;
  };
  return { optOut: build('optOut'), optIn: build('optIn'), help: build('help') };
}

function checkInbox(value: unknown, problems: string[]): ResolvedNativeMessageOptions['inbox'] {
  if (value !== undefined && !isRecord(value)) problems.push('inbox must be an object');
  const given: Record<string, unknown> = isRecord(value) ? value : {};
  if (isRecord(value)) checkUnknownKeys('inbox', value, problems);
  const int = (key: string, fallback: number) =>
    positiveInteger(`inbox.${key}`, given[key], fallback, problems);
  const dispatcher = given.dispatcher ?? true;
  if (typeof dispatcher !== 'boolean') problems.push('inbox.dispatcher must be a boolean');
  const resolved = {
    maxAttempts: int('maxAttempts', 10),
    initialBackoffMs: int('initialBackoffMs', 1000),
    maxBackoffMs: int('maxBackoffMs', 5 * 60 * 1000),
    pollIntervalMs: int('pollIntervalMs', 1000),
    batchSize: int('batchSize', 50),
    concurrency: int('concurrency', 4),
    leaseMs: int('leaseMs', 60 * 1000),
    shutdownTimeoutMs: int('shutdownTimeoutMs', 10 * 1000),
    dispatcher: dispatcher !== false,
  };
  if (resolved.maxBackoffMs < resolved.initialBackoffMs) {
    problems.push('inbox.maxBackoffMs must not be smaller than inbox.initialBackoffMs');
  }
  return resolved;
}

/**
 * Validates the module options and fills in defaults.
 * @throws NativeMessageConfigurationError listing every problem found
 */
export function resolveNativeMessageOptions(
  options: NativeMessageModuleOptions | undefined,
  webhookPath: string = DEFAULT_WEBHOOK_PATH,
): ResolvedNativeMessageOptions {
  const problems: string[] = [];
  const root: Record<string, unknown> = isRecord(options) ? options : {};
  if (!isRecord(options))
    problems.push('options must be an object with at least { webhook: { secrets } }');
  else checkUnknownKeys('', root, problems);

  if (typeof webhookPath !== 'string' || !PATH_PATTERN.test(webhookPath)) {
    problems.push(
      `webhookPath must be an absolute path of plain segments such as "${DEFAULT_WEBHOOK_PATH}" (no parameters, wildcards, query or trailing slash), got ${JSON.stringify(webhookPath)}`,
    );
  }

  const webhook = root.webhook;
  let secrets: string[] = [];
  let bodyLimit = DEFAULT_BODY_LIMIT_BYTES;
  let storeTimeoutMs = 2000;
  let maxEventAgeMs = 3 * 24 * 60 * 60 * 1000;
  let maxFutureSkewMs = 5 * 60 * 1000;
  if (!isRecord(webhook)) {
    if (isRecord(options))
      problems.push('webhook is required: { webhook: { secrets: ["<signing secret>"] } }');
  } else {
    checkUnknownKeys('webhook', webhook, problems);
    secrets = checkSecrets(webhook.secrets, problems);
    bodyLimit = positiveInteger('webhook.bodyLimit', webhook.bodyLimit, bodyLimit, problems);
    storeTimeoutMs = positiveInteger(
      'webhook.storeTimeoutMs',
      webhook.storeTimeoutMs,
      storeTimeoutMs,
      problems,
    );
    maxEventAgeMs = positiveInteger(
      'webhook.maxEventAgeMs',
      webhook.maxEventAgeMs,
      maxEventAgeMs,
      problems,
    );
    maxFutureSkewMs = positiveInteger(
      'webhook.maxFutureSkewMs',
      webhook.maxFutureSkewMs,
      maxFutureSkewMs,
      problems,
    );
  }

  const keywords = checkKeywords(root.keywords, problems);

  const idem = root.idempotency;
  const idemOptions: Record<string, unknown> = isRecord(idem) ? idem : {};
  if (idem !== undefined && !isRecord(idem)) problems.push('idempotency must be an object');
  else if (isRecord(idem)) checkUnknownKeys('idempotency', idem, problems);
  const retentionMs = positiveInteger(
    'idempotency.retentionMs',
    idemOptions.retentionMs,
    DEFAULT_RETENTION_MS,
    problems,
  );
  const maxEntries = positiveInteger(
    'idempotency.maxEntries',
    idemOptions.maxEntries,
    DEFAULT_MEMORY_STORE_MAX_ENTRIES,
    problems,
  );
  const claimTimeoutMs = positiveInteger(
    'idempotency.claimTimeoutMs',
    idemOptions.claimTimeoutMs,
    DEFAULT_CLAIM_TIMEOUT_MS,
    problems,
  );
  const purgeIntervalMs = positiveInteger(
    'idempotency.purgeIntervalMs',
    idemOptions.purgeIntervalMs,
    60 * 60 * 1000,
    problems,
  );
  const dispatch = root.dispatch ?? 'inline';
  if (dispatch !== 'inline' && dispatch !== 'inbox') {
    problems.push(`dispatch must be "inline" or "inbox", got ${JSON.stringify(dispatch)}`);
  }
  const inbox = checkInbox(root.inbox, problems);
  const client = resolveClientOptions(root.client, problems);
  if (retentionMs < maxEventAgeMs) {
    problems.push(
      `idempotency.retentionMs (${retentionMs} ms) must not be shorter than webhook.maxEventAgeMs (${maxEventAgeMs} ms): a delivery older than the retention could otherwise be replayed once its receipt is purged`,
    );
  }
  const metricsOptions = root.metrics;
  let meterProvider: ResolvedNativeMessageOptions['meterProvider'];
  if (metricsOptions !== undefined) {
    if (!isRecord(metricsOptions)) problems.push('metrics must be an object');
    else {
      checkUnknownKeys('metrics', metricsOptions, problems);
      const given = metricsOptions.meterProvider;
      if (given !== undefined && (!isRecord(given) || typeof given.getMeter !== 'function')) {
        problems.push('metrics.meterProvider must be an OpenTelemetry MeterProvider');
      } else {
        meterProvider = given as ResolvedNativeMessageOptions['meterProvider'];
      }
    }
  }
  const store = idemOptions.store;
  if (store !== undefined) {
    const methods = ['claim', 'complete', 'release', 'recordRejected', 'purgeExpired'];
    const missing = methods.filter((m) => !isRecord(store) || typeof store[m] !== 'function');
    if (missing.length > 0) {
      problems.push(
        `idempotency.store must implement IdempotencyStore (missing: ${missing.join(', ')})`,
      );
    }
  }

  if (problems.length > 0) throw new NativeMessageConfigurationError(problems);
  return {
    webhookPath,
    secrets,
    bodyLimit,
    keywords,
    retentionMs,
    maxEntries,
    claimTimeoutMs,
    store: store as ResolvedNativeMessageOptions['store'],
    purgeIntervalMs,
    storeTimeoutMs,
    dispatch: dispatch === 'inbox' ? 'inbox' : 'inline',
    inbox,
    client,
    maxEventAgeMs,
    maxFutureSkewMs,
    meterProvider,
  };
}
