import { randomUUID } from 'node:crypto';
import { computeSignature } from '../webhook/signature.verifier';

/** Options of {@link signWebhook}. */
export interface SignWebhookOptions {
  /**
   * `X-Webhook-ID` to send; `null` sends none (the provider does not always send one).
   * @default a random `wh_...` id
   */
  webhookId?: string | null;
  /**
   * Prefix the signature with `sha256=`.
   * @default false (the provider sends bare lowercase hex)
   */
  prefix?: boolean;
}

/** A signed delivery, ready to POST: the exact body bytes and the headers that go with them. */
export interface SignedWebhook {
  /** The raw body; send it unchanged, the signature covers these exact bytes. */
  readonly body: string;
  /** `content-type`, `x-webhook-signature` and, unless disabled, `x-webhook-id`. */
  readonly headers: Record<string, string>;
}

/**
 * Signs a payload as the provider does: HMAC-SHA256 over the exact body, lowercase hex.
 * @param payload an object (serialised as compact JSON) or a string sent byte for byte
 * @param secret the subscription's signing secret
 */
export function signWebhook(
  payload: object | string,
  secret: string,
  options: SignWebhookOptions = {},
): SignedWebhook {
  const body = typeof payload === 'string' ? payload : JSON.stringify(payload);
  const signature = computeSignature(body, secret);
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'x-webhook-signature': options.prefix ? `sha256=${signature}` : signature,
  };
  const webhookId = options.webhookId === undefined ? `wh_${randomUUID()}` : options.webhookId;
  if (webhookId !== null) headers['x-webhook-id'] = webhookId;
  return { body, headers };
}
