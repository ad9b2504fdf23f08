import type { ApiAuthenticator, ApiTransport } from './api-transport';

interface Tokens {
  access: string;
  refresh: string | null;
  issuedAt: number;
  expiresAt: number;
}

const FIFTEEN_MINUTES = 15 * 60 * 1000;

/** Expiry of an access token: `expires_in`, else the JWT `exp` claim, else the documented 15 min. */
function expiryOf(body: Record<string, unknown>, token: string, now: number): number {
  const expiresIn = Number(body.expires_in);
  if (Number.isFinite(expiresIn) && expiresIn > 0) return now + expiresIn * 1000;
  const payload = token.split('.')[1];
  if (payload) {
    try {
      const exp = (
        JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { exp?: unknown }
      ).exp;
      if (typeof exp === 'number' && exp * 1000 > now) return exp * 1000;
    } catch {
      // not a JWT: fall through to the documented lifetime
    }
  }
  return now + FIFTEEN_MINUTES;
}

/** Unwraps `{ data: {...} }` answers. */
const unwrap = (body: unknown): Record<string, unknown> => {
  const record = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
  const data = record.data;
  return data && typeof data === 'object' && !Array.isArray(data)
    ? (data as Record<string, unknown>)
    : record;
};

/**
 * Username/password authentication: logs in, refreshes the access token before it expires (one
 * refresh shared by concurrent calls), keeps rotated refresh tokens, and logs in again once when a
 * refresh fails.
 */
export class PasswordAuthenticator implements ApiAuthenticator {
  private tokens: Tokens | null = null;
  private pending: Promise<void> | null = null;

  constructor(
    private readonly transport: ApiTransport,
    private readonly credentials: {
      username: string;
      password: string;
      tenantId?: string;
      refreshTokenIn: 'header' | 'body';
    },
  ) {}

  async headers(): Promise<Record<string, string>> {
    if (!this.isFresh()) {
      this.pending ??= this.renew().finally(() => (this.pending = null));
      await this.pending;
    }
    return { authorization: `Bearer ${this.tokens!.access}` };
  }

  unauthorized(): boolean {
    // The access token was refused: force a refresh (or a login) on the next call.
    if (this.tokens) this.tokens.expiresAt = 0;
    return true;
  }

  private isFresh(): boolean {
    if (!this.tokens) return false;
    const lifetime = this.tokens.expiresAt - this.tokens.issuedAt;
    const margin = Math.min(60_000, lifetime / 4);
    return Date.now() < this.tokens.expiresAt - margin;
  }

  private async renew(): Promise<void> {
    if (this.tokens?.refresh) {
      try {
        await this.refresh(this.tokens.refresh);
        return;
      } catch {
        // The refresh token expired or was revoked: one fresh login below.
      }
    }
    await this.login();
  }

  private async login(): Promise<void> {
    const { username, password, tenantId } = this.credentials;
    const result = await this.transport.request({
      method: 'POST',
      path: '/auth/login',
      body: { username, password, ...(tenantId ? { tenant_id: tenantId } : {}) },
      idempotent: true,
      anonymous: true,
    });
    this.store(unwrap(result.body), null);
  }

  private async refresh(refreshToken: string): Promise<void> {
    const viaHeader = this.credentials.refreshTokenIn === 'header';
    const result = await this.transport.request({
      method: 'POST',
      path: '/auth/refresh',
      body: viaHeader ? undefined : { refresh_token: refreshToken },
      headers: viaHeader ? { authorization: `Bearer ${refreshToken}` } : undefined,
      // A rotated refresh token is spent by the first success: never repeat blindly.
      idempotent: false,
      anonymous: true,
    });
    this.store(unwrap(result.body), refreshToken);
  }

  private store(body: Record<string, unknown>, previousRefresh: string | null): void {
    const access = body.access_token;
    if (typeof access !== 'string' || access === '') {
      throw new Error('the authentication answer has no access_token');
    }
    const now = Date.now();
    const refresh =
      typeof body.refresh_token === 'string' && body.refresh_token
        ? body.refresh_token
        : previousRefresh;
    this.tokens = { access, refresh, issuedAt: now, expiresAt: expiryOf(body, access, now) };
  }
}
