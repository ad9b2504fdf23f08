import { createHmac, KeyObject, createSecretKey, timingSafeEqual } from 'node:crypto';

const PREFIX = 'sha256=';

/**
 * Decodes an `X-Webhook-Signature` value into its 32-byte digest: 64 hex characters, either case,
 * optionally prefixed with `sha256=`. Anything else (including a repeated header) is `null`.
 */
export function decodeSignatureHeader(header: unknown): Buffer | null {
  if (typeof header !== 'string') return null;
  let hex = header.trim();
  if (hex.length === 64 + PREFIX.length && hex.slice(0, PREFIX.length).toLowerCase() === PREFIX) {
    hex = hex.slice(PREFIX.length);
  }
  if (hex.length !== 64) return null;
  // Hex decoding stops at the first pair that is not hex: 32 bytes means all 64 characters were.
  const digest = Buffer.from(hex, 'hex');
  return digest.length === 32 ? digest : null;
}

/** Lowercase hex HMAC-SHA256 of `body` keyed with `secret`: the provider's signature. */
export function computeSignature(body: Buffer | string, secret: string | KeyObject): string {
  return createHmac('sha256', secret).update(body).digest('hex');
}

/**
 * Checks webhook signatures against one or several secrets (rotation). Pure and synchronous; the
 * secrets are turned into key objects once, when the verifier is built.
 */
export class WebhookSignatureVerifier {
  private readonly keys: readonly KeyObject[];

  /** @param secrets the signing secrets; a signature matching any of them is valid */
  constructor(secrets: readonly string[]) {
    if (secrets.length === 0)
      throw new TypeError('WebhookSignatureVerifier needs at least one secret');
    this.keys = secrets.map((s) => createSecretKey(Buffer.from(s, 'utf8')));
  }

  /**
   * Whether `header` is a valid signature of exactly these bytes.
   * Every secret is tried, in constant time per secret, so timing reveals nothing about the digest.
   */
  verify(rawBody: Buffer, header: unknown): boolean {
    const given = decodeSignatureHeader(header);
    if (given === null) return false;
    let valid = false;
    for (const key of this.keys) {
      const expected = createHmac('sha256', key).update(rawBody).digest();
      // No early exit: the number of comparisons does not depend on which secret matched.
      if (timingSafeEqual(expected, given)) valid = true;
    }
    return valid;
  }
}
