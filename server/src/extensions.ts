import type { BootstrapExtras } from './bootstrap.js';
import type { AppOptions } from './app.js';
import { oauthExtension } from './oauth-extension.js';

/**
 * Optional layers (OAuth, outbound calls) plug in here: each adds an OAuth strategy factory,
 * integration decorations or route plugins. Kept in one list so main, the CLI and tests agree.
 */
export function extensions(): BootstrapExtras & Omit<AppOptions, 'hub' | 'logger'> {
  const oauth = oauthExtension();
  return { oauth: oauth.oauth, decorateIntegration: oauth.decorateIntegration, plugins: [...oauth.plugins] };
}
