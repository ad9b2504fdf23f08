import { randomUUID } from 'node:crypto';

/** A delivery-report payload as the provider sends it. */
export interface DlrPayload {
  event: 'dlr';
  message_id: string;
  status: string;
  error_code: number | string | null;
  destination: string;
  delivered_at: string;
  [extra: string]: unknown;
}

/** An inbound message in the quickstart shape. */
export interface MoQuickstartPayload {
  event: 'mo';
  id: string;
  from: string;
  to: string;
  body: string;
  received_at: string;
  [extra: string]: unknown;
}

/** An inbound message in the webhooks-guide shape. */
export interface MoGuidePayload {
  event: 'mo';
  message_id: string;
  source: string;
  destination: string;
  content: string;
  received_at: string;
  [extra: string]: unknown;
}

const shortId = (): string => randomUUID().replace(/-/g, '').slice(0, 16);

/** A valid delivery report (status `delivered` unless overridden), with a fresh message id. */
export function createDlrPayload(overrides: Partial<DlrPayload> = {}): DlrPayload {
  return {
    event: 'dlr',
    message_id: `msg_${shortId()}`,
    status: 'delivered',
    error_code: null,
    destination: '+8801700000000',
    delivered_at: new Date().toISOString(),
    ...overrides,
  };
}

/** A valid inbound message in the quickstart shape (`id`, `from`, `to`, `body`). */
export function createMoPayload(overrides: Partial<MoQuickstartPayload> = {}): MoQuickstartPayload {
  return {
    event: 'mo',
    id: `mo_${shortId()}`,
    from: '+8801711111111',
    to: 'BRAND',
    body: 'Hello',
    received_at: new Date().toISOString(),
    ...overrides,
  };
}

/** A valid inbound message in the webhooks-guide shape (`message_id`, `source`, `destination`, `content`). */
export function createMoGuidePayload(overrides: Partial<MoGuidePayload> = {}): MoGuidePayload {
  return {
    event: 'mo',
    message_id: `mo_${shortId()}`,
    source: '+8801711111111',
    destination: '+8801800000000',
    content: 'Hello',
    received_at: new Date().toISOString(),
    ...overrides,
  };
}
