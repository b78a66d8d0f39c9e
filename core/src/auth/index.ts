import type { AuthSpec } from '@hub/manifests';
import { apiKeyStrategy, basicStrategy, bearerStrategy, noneStrategy } from './static-strategies.js';
import type { AuthStrategy } from './types.js';

export * from './types.js';

/** Builds the strategy for a non-OAuth auth declaration; oauth2 is supplied by a factory. */
export type OAuthStrategyFactory = (spec: Extract<AuthSpec, { type: 'oauth2' }>, connectorId: string) => AuthStrategy;

/** Chooses the strategy an auth declaration names. */
export function createAuthStrategy(spec: AuthSpec, connectorId: string, oauth?: OAuthStrategyFactory): AuthStrategy {
  switch (spec.type) {
    case 'none':
      return noneStrategy;
    case 'api_key':
      return apiKeyStrategy(spec);
    case 'bearer':
      return bearerStrategy(spec);
    case 'basic':
      return basicStrategy(spec);
    case 'oauth2':
      if (!oauth) throw new Error(`connector ${connectorId} uses oauth2 but no OAuth strategy factory was given`);
      return oauth(spec, connectorId);
  }
}
