import type { OAuth2Spec } from '@hub/manifests';
import type { Credentials } from '../types.js';
import type { TokenAnswer } from './token-client.js';

// Token answer fields that are secrets: never copied to the non-secret account, whatever a manifest asks.
const SECRET_FIELDS = new Set(['access_token', 'refresh_token', 'id_token', 'client_secret', 'code']);

/** Credentials and non-secret account fields made from one token answer. */
export interface StoredTokens {
  credentials: Credentials;
  account: Record<string, unknown>;
}

/**
 * Turns a token answer into what the hub stores. `expires_at` (epoch ms) comes from `expires_in`,
 * else from the manifest's `defaultExpiresInSeconds`; 0 or absent means "valid until a 401"
 * (Salesforce). A refresh answer without a refresh token keeps the previous one.
 */
export function tokensFromAnswer(answer: TokenAnswer, spec: OAuth2Spec, now: number, previous: Credentials = {}): StoredTokens {
  const credentials: Credentials = { access_token: String(answer.access_token) };
  const refresh = typeof answer.refresh_token === 'string' && answer.refresh_token ? answer.refresh_token : previous.refresh_token;
  if (refresh !== undefined) credentials.refresh_token = refresh;
  if (typeof answer.token_type === 'string') credentials.token_type = answer.token_type;
  if (typeof answer.scope === 'string') credentials.scope = answer.scope;
  const seconds = Number(answer.expires_in ?? spec.defaultExpiresInSeconds ?? 0);
  if (Number.isFinite(seconds) && seconds > 0) credentials.expires_at = now + seconds * 1000;
  const account: Record<string, unknown> = {};
  for (const field of spec.keepTokenFields ?? []) {
    if (!SECRET_FIELDS.has(field) && answer[field] !== undefined) account[field] = answer[field];
  }
  return { credentials, account };
}

/** True when the credentials' access token expires within `marginMs` (never, when there is no expiry). */
export function expiresSoon(credentials: Credentials, now: number, marginMs: number): boolean {
  return typeof credentials.expires_at === 'number' && credentials.expires_at - marginMs <= now;
}
