import type { BootstrapExtras } from './bootstrap.js';
import type { AppOptions } from './app.js';
import { oauthExtension } from './oauth-extension.js';
import { outboundExtension } from './outbound/outbound-extension.js';
import { loadSettings, type Settings } from './settings.js';

/**
 * Optional layers (OAuth, outbound calls) plug in here: each adds an OAuth strategy factory,
 * integration decorations or route plugins. Kept in one list so main, the CLI and tests agree.
 */
export function extensions(settings: Settings = loadSettings()): BootstrapExtras & Omit<AppOptions, 'hub' | 'logger'> {
  const oauth = oauthExtension();
  const outbound = outboundExtension(settings);
  return { oauth: oauth.oauth, decorateIntegration: oauth.decorateIntegration, plugins: [...oauth.plugins, ...outbound.plugins] };
}
