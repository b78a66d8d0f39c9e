import type { DocCollection } from '../types.js';
import { hashSecret, randomToken } from '../../security/crypto.js';
import type { Keyring, Sealed } from '../../security/crypto.js';

/** A pending authorization: who asked, for which integration, and the PKCE verifier (sealed). */
export type OAuthStateDoc = {
  _id: string;
  tenantId: string;
  agentId: string;
  connectorId: string;
  integrationId: string;
  verifier?: Sealed;
  /** the state itself, sealed, so a still-valid state can be shown again instead of writing a new one */
  sealed?: Sealed;
  /** the redirect URI the authorize request carried: the code exchange must send the same one */
  redirectUri?: string;
  expiresAt: number;
  usedAt?: string;
  createdAt: string;
};

/** What a consumed state yields. */
export interface OAuthStateGrant {
  tenantId: string;
  agentId: string;
  connectorId: string;
  integrationId: string;
  codeVerifier?: string;
  redirectUri?: string;
}

/** How long a state stays valid: long enough to log in and consent, short enough to be useless later. */
export const OAUTH_STATE_TTL_MS = 10 * 60_000;

/** A state with less time left than this is not shown again: the user needs time to log in and consent. */
export const OAUTH_STATE_MIN_LEFT_MS = 2 * 60_000;

/** A state that can be put in an authorize URL again, with its PKCE verifier. */
export interface ReusableState {
  state: string;
  codeVerifier?: string;
  expiresAt: number;
}

/**
 * OAuth `state` values: single-use, bound to tenant, agent, connector and integration, expiring.
 * Only a hash of the state is stored, so a copy of the database cannot complete anyone's flow.
 */
export class OAuthStateRepo {
  constructor(
    readonly col: DocCollection<OAuthStateDoc>,
    private readonly keyring: Keyring,
    private readonly now: () => number = Date.now,
  ) {}

  /** Makes a new state for an integration and returns its value (shown once, in the authorize URL). */
  async create(grant: OAuthStateGrant): Promise<string> {
    const now = this.now();
    // Expired states are worthless; dropping them here keeps the collection small without a sweeper.
    await this.col.deleteMany({ expiresAt: { $lt: now - OAUTH_STATE_TTL_MS } });
    const state = randomToken('', 32);
    await this.col.insertOne({
      _id: hashSecret(state),
      tenantId: grant.tenantId,
      agentId: grant.agentId,
      connectorId: grant.connectorId,
      integrationId: grant.integrationId,
      ...(grant.codeVerifier ? { verifier: this.keyring.seal(grant.codeVerifier) } : {}),
      sealed: this.keyring.seal(state),
      ...(grant.redirectUri ? { redirectUri: grant.redirectUri } : {}),
      expiresAt: now + OAUTH_STATE_TTL_MS,
      createdAt: new Date(now).toISOString(),
    });
    return state;
  }

  /**
   * An unused state of this integration with at least OAUTH_STATE_MIN_LEFT_MS left, issued for the
   * same redirect URI, or undefined. Reading it writes nothing, so viewing a pending integration
   * does not grow the store; the state stays single-use because consume() still marks it used.
   */
  async reusable(integrationId: string, redirectUri: string | undefined): Promise<ReusableState | undefined> {
    const doc = await this.col.findOne(
      { integrationId, usedAt: { $exists: false }, sealed: { $exists: true }, expiresAt: { $gt: this.now() + OAUTH_STATE_MIN_LEFT_MS } },
      { sort: { expiresAt: -1 } },
    );
    if (!doc?.sealed || doc.redirectUri !== redirectUri) return undefined;
    return {
      state: this.keyring.open<string>(doc.sealed),
      expiresAt: doc.expiresAt,
      ...(doc.verifier ? { codeVerifier: this.keyring.open<string>(doc.verifier) } : {}),
    };
  }

  /** Uses a state up: the grant when it is known, unused and fresh; otherwise why not. */
  async consume(state: string): Promise<{ ok: true; grant: OAuthStateGrant } | { ok: false; reason: 'unknown' | 'used' | 'expired' }> {
    const id = hashSecret(state);
    // One atomic update marks it used, so two callbacks racing with the same state cannot both win.
    const doc = await this.col.findOneAndUpdate(
      { _id: id, usedAt: { $exists: false } },
      { $set: { usedAt: new Date(this.now()).toISOString() } },
      { returnDocument: 'before' },
    );
    if (!doc) return { ok: false, reason: (await this.col.findOne({ _id: id })) ? 'used' : 'unknown' };
    if (doc.expiresAt < this.now()) return { ok: false, reason: 'expired' };
    const { tenantId, agentId, connectorId, integrationId } = doc;
    return {
      ok: true,
      grant: {
        tenantId,
        agentId,
        connectorId,
        integrationId,
        ...(doc.redirectUri ? { redirectUri: doc.redirectUri } : {}),
        ...(doc.verifier ? { codeVerifier: this.keyring.open<string>(doc.verifier) } : {}),
      },
    };
  }
}
