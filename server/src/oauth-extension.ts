import { OAuthService, isHubError, oauthStrategyFor, type HubServices, type IntegrationDoc } from '@hub/core';
import type { BootstrapExtras } from './bootstrap.js';
import type { AppOptions } from './app.js';
import { oauthRoutes } from './routes/oauth.js';

/**
 * The OAuth layer: the token strategy for the engine, an `authorize_url` on every OAuth integration
 * that waits for (re)authorization, and the callback route.
 */
export function oauthExtension(): Required<Pick<BootstrapExtras, 'oauth'>> & Required<Pick<AppOptions, 'decorateIntegration' | 'plugins'>> {
  return {
    oauth: (hub) => oauthStrategyFor(hub),
    decorateIntegration: authorizeDecoration,
    plugins: [
      async (app) => {
        await app.register(oauthRoutes);
      },
    ],
  };
}

/** Adds `authorize_url` to an OAuth integration that is pending authorization or needs it again. */
export async function authorizeDecoration(hub: HubServices, doc: IntegrationDoc): Promise<Record<string, unknown>> {
  const service = new OAuthService(hub);
  if (!service.spec(doc.type) || (doc.status !== 'pending_authorization' && doc.status !== 'needs_reauth')) return {};
  try {
    return { authorize_url: await service.authorizeUrl(doc), redirect_uri: service.redirectUri(doc.type) };
  } catch (err) {
    // A deployment without this provider's OAuth app: say which variables to set instead of failing the listing.
    if (isHubError(err) && err.code === 'HUB_ERR_OAUTH') return { authorize_url: null, authorize_error: err.message };
    throw err;
  }
}
