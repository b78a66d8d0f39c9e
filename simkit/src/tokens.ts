import { randomBytes } from 'node:crypto';

/** An access token the simulator accepts. */
export interface TokenRecord {
  accessToken: string;
  clientId?: string;
  scope?: string;
  /** Epoch ms after which the token is refused; absent means it never expires on its own. */
  expiresAt?: number;
  /** Vendor-specific facts (account, location, org) a route may need. */
  data?: Record<string, unknown>;
}

/** Why a bearer token was refused. */
export type TokenRefusal = 'missing' | 'unknown' | 'expired';

/** Access tokens issued by a simulator (by its OAuth server or seeded by a test). */
export class TokenStore {
  private readonly tokens = new Map<string, TokenRecord>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Issues a random token (or the given one) valid for `ttlSec` seconds, or forever when absent. */
  issue(
    opts: { accessToken?: string; ttlSec?: number; clientId?: string; scope?: string; data?: Record<string, unknown> } = {},
  ): TokenRecord {
    const rec: TokenRecord = {
      accessToken: opts.accessToken ?? `at-${randomBytes(12).toString('hex')}`,
      clientId: opts.clientId,
      scope: opts.scope,
      expiresAt: opts.ttlSec === undefined ? undefined : this.now() + opts.ttlSec * 1000,
      data: opts.data,
    };
    this.tokens.set(rec.accessToken, rec);
    return { ...rec };
  }

  /** The token's record when it is known and not expired, else why not. */
  verify(token: string | undefined): { ok: true; token: TokenRecord } | { ok: false; reason: TokenRefusal } {
    if (!token) return { ok: false, reason: 'missing' };
    const rec = this.tokens.get(token);
    if (rec === undefined) return { ok: false, reason: 'unknown' };
    if (rec.expiresAt !== undefined && rec.expiresAt <= this.now()) return { ok: false, reason: 'expired' };
    return { ok: true, token: rec };
  }

  /** Makes every token issued so far expire now (a fault: the hub must refresh). */
  expireAll(): void {
    const t = this.now();
    for (const rec of this.tokens.values()) rec.expiresAt = t;
  }

  /** Forgets one token. */
  revoke(token: string): boolean {
    return this.tokens.delete(token);
  }

  /** Number of tokens ever issued and not revoked. */
  get size(): number {
    return this.tokens.size;
  }
}

/** The token in an "Authorization: Bearer x" header, if any. */
export function bearerOf(header: unknown): string | undefined {
  if (typeof header !== 'string') return undefined;
  const m = /^Bearer\s+(.+)$/i.exec(header.trim());
  return m ? m[1] : undefined;
}
