import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** Claims of a sandbox access token. */
export interface AccessClaims {
  sub: string;
  tenant: string;
  /** Expiry in seconds (JWT standard), rounded up. */
  exp: number;
  /** Exact expiry in ms: what the sandbox checks, so sub-second lifetimes in tests are honoured. */
  exp_ms: number;
}

const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** Issues and checks the sandbox's JWTs (HS256) and refresh tokens (opaque, rotated on use). */
export class SandboxTokens {
  private readonly key = randomBytes(32);
  private readonly refreshTokens = new Map<
    string,
    { username: string; tenant: string; expiresAt: number }
  >();

  constructor(
    private readonly accessTtlMs: number,
    private readonly refreshTtlMs: number,
  ) {}

  /** A new access/refresh pair; `expires_in` in seconds, as the provider sends it. */
  issue(username: string, tenant: string) {
    const now = Date.now();
    const expMs = now + this.accessTtlMs;
    const claims: AccessClaims & { iat: number; jti: string } = {
      sub: username,
      tenant,
      iat: Math.floor(now / 1000),
      exp: Math.ceil(expMs / 1000),
      exp_ms: expMs,
      jti: randomBytes(6).toString('hex'),
    };
    const unsigned = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64(claims)}`;
    const signature = createHmac('sha256', this.key).update(unsigned).digest('base64url');
    const refresh = `rt_${randomBytes(24).toString('hex')}`;
    this.refreshTokens.set(refresh, { username, tenant, expiresAt: now + this.refreshTtlMs });
    return {
      access_token: `${unsigned}.${signature}`,
      refresh_token: refresh,
      token_type: 'Bearer',
      expires_in: this.accessTtlMs / 1000,
    };
  }

  /** The claims of a valid, unexpired access token, else `null`. */
  verifyAccess(token: string): AccessClaims | null {
    const [header, payload, signature] = token.split('.');
    if (!header || !payload || !signature) return null;
    const expected = createHmac('sha256', this.key).update(`${header}.${payload}`).digest();
    const given = Buffer.from(signature, 'base64url');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as AccessClaims;
    return claims.exp_ms > Date.now() ? claims : null;
  }

  /** Spends a refresh token: a new pair, or `null` when it is unknown, used or expired. */
  rotate(refresh: string) {
    const entry = this.refreshTokens.get(refresh);
    this.refreshTokens.delete(refresh);
    if (!entry || entry.expiresAt <= Date.now()) return null;
    return this.issue(entry.username, entry.tenant);
  }

  /** Forgets every refresh token (simulates a revocation). */
  revokeRefreshTokens(): void {
    this.refreshTokens.clear();
  }
}
