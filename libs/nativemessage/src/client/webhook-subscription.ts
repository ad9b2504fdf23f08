/** A webhook subscription, normalised from the provider's variants. */
export interface WebhookSubscription {
  /** `wh_sub_...` or a UUID. */
  readonly id: string;
  /** Endpoint the provider posts to. */
  readonly url: string;
  /** Subscribed event names. */
  readonly events: string[];
  /** `active`, ... or `null` when not sent. */
  readonly status: string | null;
  /** Creation time, when sent. */
  readonly createdAt: Date | null;
  /** Tenant, when sent. */
  readonly tenantId: string | null;
  /** Signing secret, when the provider echoes it (on creation). */
  readonly secret: string | null;
  /** The object as received. */
  readonly raw: Readonly<Record<string, unknown>>;
}

/** Changes accepted by `update()`. */
export interface WebhookSubscriptionChanges {
  url?: string;
  events?: string[];
  status?: string;
  secret?: string;
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Unwraps a `{ data: ... }` envelope when there is one. */
export function unwrapData(body: unknown): unknown {
  if (isRecord(body) && 'data' in body && (isRecord(body.data) || Array.isArray(body.data))) {
    return body.data;
  }
  return body;
}

/** Normalises one subscription object; `null` when it has no usable id or url. */
export function toSubscription(value: unknown): WebhookSubscription | null {
  const raw = unwrapData(value);
  if (!isRecord(raw)) return null;
  const id = typeof raw.id === 'string' || typeof raw.id === 'number' ? String(raw.id) : null;
  if (!id || typeof raw.url !== 'string') return null;
  const created = typeof raw.created_at === 'string' ? new Date(raw.created_at) : null;
  return {
    id,
    url: raw.url,
    events: Array.isArray(raw.events)
      ? raw.events.filter((e): e is string => typeof e === 'string')
      : [],
    status: typeof raw.status === 'string' ? raw.status : null,
    createdAt: created && !Number.isNaN(created.getTime()) ? created : null,
    tenantId: typeof raw.tenant_id === 'string' ? raw.tenant_id : null,
    secret: typeof raw.secret === 'string' ? raw.secret : null,
    raw,
  };
}
