import type { OAuth2Spec } from '@hub/manifests';
import { HubError } from '../../errors/hub-error.js';
import type { AuthContext, CredentialStore, Credentials, OutgoingRequest } from '../types.js';
import type { OAuthStrategyFactory } from '../index.js';
import { isInvalidGrant, oauthAppKey, TokenClient, type OAuthApp } from './token-client.js';
import { expiresSoon, tokensFromAnswer } from './tokens.js';
import { metrics } from '../../metrics.js';

/** What the OAuth2 strategy needs from the deployment. */
export interface OAuth2Options {
  store: CredentialStore;
  /** OAuth apps by env-style key (HUBSPOT, GOOGLE_CALENDAR, …) */
  apps: Record<string, OAuthApp>;
  /** refresh this long before the access token expires (default 2 minutes) */
  marginMs?: number;
  now?: () => number;
}

/** The token client for a connector, or a clear error naming the variables to set. */
export function tokenClientFor(spec: OAuth2Spec, connectorId: string, apps: Record<string, OAuthApp>): TokenClient {
  const key = oauthAppKey(connectorId);
  const app = apps[key];
  if (!app)
    throw new HubError(
      'HUB_ERR_OAUTH',
      `${connectorId}: no OAuth app is configured; set HUB_OAUTH_${key}_CLIENT_ID and HUB_OAUTH_${key}_CLIENT_SECRET`,
      { statusCode: 503, retryable: false },
    );
  return new TokenClient(spec, connectorId, app);
}

/**
 * The generic OAuth2 strategy: a bearer access token, refreshed before it expires or once after a
 * 401. One refresh per connection is in flight: in this process a shared promise, across processes
 * the store's lease, and whoever takes the lease re-reads the credentials first because another
 * holder may already have refreshed. A rotated refresh token is saved before the new access token
 * is used. `invalid_grant` marks the connection as needing authorization again.
 */
export function oauth2Strategies(opts: OAuth2Options): OAuthStrategyFactory {
  const now = opts.now ?? Date.now;
  const marginMs = opts.marginMs ?? 120_000;
  const inflight = new Map<string, Promise<Credentials>>();

  return (spec, connectorId) => {
    const refreshUnderLease = (connectionId: string, used: string | undefined): Promise<Credentials> =>
      opts.store.withRefreshLease(connectionId, async () => {
        const current = await opts.store.load(connectionId);
        if (current.access_token && current.access_token !== used && !expiresSoon(current, now(), marginMs)) return current;
        if (typeof current.refresh_token !== 'string' || !current.refresh_token) {
          await opts.store.markNeedsReauth(connectionId, 'no refresh token was granted; authorize again');
          throw new HubError(
            'HUB_ERR_CRM_AUTH',
            `${connectorId}: the access token expired and there is no refresh token; reconnect the integration`,
            { retryable: false },
          );
        }
        let answer;
        try {
          answer = await tokenClientFor(spec, connectorId, opts.apps).refresh(current.refresh_token);
          metrics.tokenRefresh(connectorId, 'ok');
        } catch (err) {
          metrics.tokenRefresh(connectorId, 'failed');
          if (isInvalidGrant(err))
            await opts.store.markNeedsReauth(connectionId, `${connectorId} refused the refresh token (invalid_grant); authorize again`);
          throw err;
        }
        const { credentials, account } = tokensFromAnswer(answer, spec, now(), current);
        await opts.store.save(connectionId, credentials, account);
        return credentials;
      });

    const refresh = async (ctx: AuthContext): Promise<void> => {
      const id = ctx.connectionId;
      let pending = inflight.get(id);
      if (!pending) {
        pending = refreshUnderLease(id, ctx.credentials.access_token as string | undefined).finally(() => inflight.delete(id));
        inflight.set(id, pending);
      }
      replaceContents(ctx.credentials, await pending);
    };

    return {
      canRefresh: true,
      async apply(req: OutgoingRequest, ctx: AuthContext) {
        if (!ctx.credentials.access_token)
          throw new HubError('HUB_ERR_CRM_AUTH', `${connectorId}: the integration is not authorized yet`, { retryable: false });
        if (expiresSoon(ctx.credentials, now(), marginMs)) await refresh(ctx);
        req.headers.authorization = `Bearer ${String(ctx.credentials.access_token)}`;
      },
      refresh,
    };
  };
}

// The runtime shares this object with its redaction list, so it is updated in place.
function replaceContents(target: Credentials, source: Credentials): void {
  for (const key of Object.keys(target)) delete target[key];
  Object.assign(target, source);
}
