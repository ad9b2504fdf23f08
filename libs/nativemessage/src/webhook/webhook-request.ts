import * as crypto from 'node:crypto';

/** What the module knows about one webhook delivery; carried on every event as `delivery`. */
export interface WebhookDeliveryContext {
  /**
   * Stable id of this delivery, the same on every retry: `X-Webhook-ID` when the provider sent one,
   * otherwise `sha256:<hex of the raw body>`. Use it to make handlers idempotent.
   */
  readonly deliveryId: string;
  /** The provider's `X-Webhook-ID` header, or `null` when absent. */
  readonly webhookId: string | null;
  /** Lowercase hex SHA-256 of the raw body. */
  readonly bodySha256: string;
  /** When this process received the delivery. */
  readonly receivedAt: Date;
}

/** Verified request state, attached by the guard and read by the interceptor and controller. */
export interface VerifiedWebhook {
  readonly rawBody: Buffer;
  readonly context: WebhookDeliveryContext;
}

const VERIFIED = Symbol('nativemessage:verified-webhook');

type Carrier = { [VERIFIED]?: VerifiedWebhook };

/** `crypto.hash` (Node >= 20.12) skips the Hash object; older versions take the long way. */
const oneShotHash = (
  crypto as { hash?: (algorithm: string, data: Buffer, encoding: 'hex') => string }
).hash;

/** Lowercase hex SHA-256 of `data`. */
function sha256Hex(data: Buffer): string {
  return oneShotHash
    ? oneShotHash('sha256', data, 'hex')
    : crypto.createHash('sha256').update(data).digest('hex');
}

/** Builds the delivery context of a verified body. */
export function createDeliveryContext(
  rawBody: Buffer,
  webhookId: string | null,
  receivedAt: Date,
): WebhookDeliveryContext {
  const bodySha256 = sha256Hex(rawBody);
  return {
    deliveryId: webhookId ?? `sha256:${bodySha256}`,
    webhookId,
    bodySha256,
    receivedAt,
  };
}

/** Attaches verified state to a request (Express or Fastify). */
export function markVerified(request: object, verified: VerifiedWebhook): void {
  (request as Carrier)[VERIFIED] = verified;
}

/** The verified state of a request, or `undefined` when the guard has not passed it. */
export function getVerified(request: object): VerifiedWebhook | undefined {
  return (request as Carrier)[VERIFIED];
}
