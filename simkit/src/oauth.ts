import { createHash, randomBytes } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { SimError } from './sim-error.js';
import type { Simulator } from './simulator.js';

/** A client registered with the simulated authorization server. */
export interface OAuthClient {
  clientId: string;
  clientSecret: string;
  /** Allowed redirect URIs; any when absent. */
  redirectUris?: string[];
}

/** Options of oauthServer. */
export interface OAuthServerOptions {
  authorizePath: string;
  tokenPath: string;
  clients: OAuthClient[];
  /** Where the token endpoint accepts client credentials (default both). */
  clientAuth?: Array<'body' | 'basic'>;
  /** Access token lifetime in seconds; absent means no expires_in in the answer (Salesforce). */
  expiresIn?: number;
  /** Lifetime enforced on access tokens without announcing it (Salesforce sessions time out silently). */
  sessionTtlSec?: number;
  /** Issue a new refresh token on every refresh and retire the old one. */
  rotateRefreshTokens?: boolean;
  /** Whether this authorization earns a refresh token (Google: only with access_type=offline&prompt=consent). */
  grantsRefreshToken?: (authorizeQuery: Record<string, string>) => boolean;
  /** Extra fields of every token answer (Salesforce instance_url, id, issued_at, signature). */
  extraFields?: (ctx: { clientId: string; accessToken: string }) => Record<string, unknown>;
  /** Facts stored with the tokens (e.g. a location id), from the authorize query. */
  tokenData?: (authorizeQuery: Record<string, string>) => Record<string, unknown>;
  /** The vendor's shape of token endpoint errors; default RFC 6749 {error, error_description}. */
  errorBody?: (error: string, description: string) => unknown;
}

/** The tokens a token endpoint answers with. */
export interface TokenAnswer {
  access_token: string;
  token_type: string;
  expires_in?: number;
  refresh_token?: string;
  scope?: string;
  [extra: string]: unknown;
}

/** Handle on a simulated authorization server. */
export interface OAuthServer {
  /** Refresh grants served successfully. */
  readonly refreshCount: number;
  /** PKCE challenges seen at the authorize endpoint, newest last. */
  readonly challenges: Array<{ challenge: string; method: string }>;
  /** Makes the next refresh grant answer 400 invalid_grant (a revoked or expired refresh token). */
  failNextRefresh(): void;
  /** Makes every access token issued so far expire now. */
  expireAccessTokens(): void;
  /** Issues tokens directly, skipping the browser step (for tests that only need a connection). */
  issue(clientId?: string, scope?: string, data?: Record<string, unknown>): TokenAnswer;
}

interface CodeGrant {
  clientId: string;
  redirectUri: string;
  scope: string;
  challenge?: string;
  method?: string;
  query: Record<string, string>;
  used: boolean;
  expiresAt: number;
}
interface RefreshGrant {
  clientId: string;
  scope: string;
  data?: Record<string, unknown>;
}

/** Adds an auto-consenting authorize endpoint and a token endpoint (code + refresh grants) to a simulator. */
export function oauthServer(sim: Simulator, opts: OAuthServerOptions): OAuthServer {
  const codes = new Map<string, CodeGrant>();
  const refreshTokens = new Map<string, RefreshGrant>();
  const accepted = opts.clientAuth ?? ['body', 'basic'];
  let refreshCount = 0;
  let failRefresh = false;
  const challenges: Array<{ challenge: string; method: string }> = [];
  const fail = (status: number, error: string, description: string) =>
    new SimError(status, opts.errorBody ? opts.errorBody(error, description) : { error, error_description: description });

  const issue = (clientId: string, scope: string, data?: Record<string, unknown>, withRefresh = true): TokenAnswer => {
    const t = sim.tokens.issue({ ttlSec: opts.expiresIn ?? opts.sessionTtlSec, clientId, scope, data });
    const answer: TokenAnswer = { access_token: t.accessToken, token_type: 'bearer' };
    if (opts.expiresIn !== undefined) answer.expires_in = opts.expiresIn;
    if (withRefresh) {
      answer.refresh_token = `rt-${randomBytes(12).toString('hex')}`;
      refreshTokens.set(answer.refresh_token, { clientId, scope, data });
    }
    if (scope) answer.scope = scope;
    return { ...answer, ...opts.extraFields?.({ clientId, accessToken: t.accessToken }) };
  };

  sim.app.get(opts.authorizePath, async (req, reply) => {
    const q = req.query as Record<string, string>;
    const client = opts.clients.find((c) => c.clientId === q.client_id);
    if (q.response_type !== 'code') throw fail(400, 'unsupported_response_type', 'response_type must be code');
    if (!client) throw fail(400, 'invalid_client', `unknown client_id ${q.client_id ?? ''}`);
    if (!q.redirect_uri || (client.redirectUris && !client.redirectUris.includes(q.redirect_uri))) {
      throw fail(400, 'invalid_request', 'redirect_uri missing or not registered');
    }
    if (!q.scope) throw fail(400, 'invalid_scope', 'scope is required');
    if (q.code_challenge) challenges.push({ challenge: q.code_challenge, method: q.code_challenge_method ?? 'plain' });
    const code = `code-${randomBytes(12).toString('hex')}`;
    codes.set(code, {
      clientId: client.clientId,
      redirectUri: q.redirect_uri,
      scope: q.scope,
      challenge: q.code_challenge,
      method: q.code_challenge_method ?? 'plain',
      query: { ...q },
      used: false,
      expiresAt: Date.now() + 10 * 60_000,
    });
    const to = new URL(q.redirect_uri);
    to.searchParams.set('code', code);
    if (q.state !== undefined) to.searchParams.set('state', q.state);
    return reply.redirect(to.toString(), 302);
  });

  sim.app.post(opts.tokenPath, async (req) => {
    const form = (req.body ?? {}) as Record<string, string>;
    const client = authenticateClient(req, form, opts.clients, accepted, fail);
    if (form.grant_type === 'authorization_code') {
      const g = codes.get(form.code ?? '');
      if (!g || g.used || g.expiresAt < Date.now() || g.clientId !== client.clientId)
        throw fail(400, 'invalid_grant', 'authorization code is invalid, expired or already used');
      g.used = true;
      if (form.redirect_uri !== g.redirectUri) throw fail(400, 'invalid_grant', 'redirect_uri does not match the authorization request');
      if (g.challenge && !pkceMatches(g.challenge, g.method ?? 'plain', form.code_verifier))
        throw fail(400, 'invalid_grant', 'code_verifier does not match code_challenge');
      return issue(client.clientId, g.scope, opts.tokenData?.(g.query), opts.grantsRefreshToken?.(g.query) ?? true);
    }
    if (form.grant_type === 'refresh_token') {
      const r = refreshTokens.get(form.refresh_token ?? '');
      if (failRefresh || !r || r.clientId !== client.clientId) {
        failRefresh = false;
        throw fail(400, 'invalid_grant', 'refresh token is invalid, expired or revoked');
      }
      refreshCount += 1;
      if (opts.rotateRefreshTokens) {
        refreshTokens.delete(form.refresh_token);
        return issue(client.clientId, r.scope, r.data, true);
      }
      const { refresh_token: _fresh, ...rest } = issue(client.clientId, r.scope, r.data, false);
      return rest;
    }
    throw fail(400, 'unsupported_grant_type', `grant_type ${form.grant_type ?? '(none)'} is not supported`);
  });

  sim.app.post('/__sim/oauth/fail-next-refresh', async () => {
    failRefresh = true;
    return { failNextRefresh: true };
  });

  return {
    get refreshCount() {
      return refreshCount;
    },
    challenges,
    failNextRefresh: () => {
      failRefresh = true;
    },
    expireAccessTokens: () => sim.tokens.expireAll(),
    issue: (clientId = opts.clients[0]?.clientId ?? 'client', scope = '', data) => issue(clientId, scope, data, true),
  };
}

function authenticateClient(
  req: FastifyRequest,
  form: Record<string, string>,
  clients: OAuthClient[],
  accepted: Array<'body' | 'basic'>,
  fail: (s: number, e: string, d: string) => SimError,
): OAuthClient {
  let id: string | undefined;
  let secret: string | undefined;
  const basic = /^Basic\s+(.+)$/i.exec(req.headers.authorization ?? '');
  if (basic) {
    if (!accepted.includes('basic')) throw fail(401, 'invalid_client', 'client credentials must be sent in the request body');
    const [u, p] = Buffer.from(basic[1], 'base64').toString('utf8').split(':');
    id = decodeURIComponent(u ?? '');
    secret = decodeURIComponent(p ?? '');
  } else if (form.client_secret !== undefined) {
    if (!accepted.includes('body')) throw fail(401, 'invalid_client', 'client credentials must be sent with HTTP Basic');
    id = form.client_id;
    secret = form.client_secret;
  }
  const client = clients.find((c) => c.clientId === id);
  if (!client || client.clientSecret !== secret) throw fail(401, 'invalid_client', 'client authentication failed');
  return client;
}

function pkceMatches(challenge: string, method: string, verifier: string | undefined): boolean {
  if (!verifier) return false;
  if (method === 'S256') return createHash('sha256').update(verifier).digest('base64url') === challenge;
  return verifier === challenge;
}
