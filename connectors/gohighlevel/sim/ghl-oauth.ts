/** GoHighLevel's OAuth 2.0 endpoints on the simulator, with rotating refresh tokens. */
import { oauthServer, type OAuthServer, type Simulator } from '@hub/simkit';

/** The marketplace app's credentials and token lifetime. */
export interface GhlOauthOptions {
  clientId: string;
  clientSecret: string;
  /** GHL access tokens last about a day. */
  accessTokenTtlSec?: number;
}

/**
 * Adds `GET /oauth/chooselocation` (auto-consent; `locationId` in the query picks the sub-account)
 * and `POST /oauth/token` (form-encoded; answers carry `userType`, `locationId`, `companyId`, `userId`).
 */
export function registerGhlOauth(sim: Simulator, o: GhlOauthOptions, defaultLocation: string): OAuthServer {
  return oauthServer(sim, {
    authorizePath: '/oauth/chooselocation',
    tokenPath: '/oauth/token',
    clients: [{ clientId: o.clientId, clientSecret: o.clientSecret }],
    // GHL takes client_id and client_secret as form fields of the token request.
    clientAuth: ['body'],
    expiresIn: o.accessTokenTtlSec ?? 86_399,
    rotateRefreshTokens: true,
    tokenData: (q) => ({ locationId: q.locationId ?? defaultLocation, userType: 'Location' }),
    extraFields: ({ accessToken }) => {
      const v = sim.tokens.verify(accessToken);
      const locationId = v.ok ? String(v.token.data?.locationId ?? defaultLocation) : defaultLocation;
      return { token_type: 'Bearer', userType: 'Location', locationId, companyId: 'company_sim_1', userId: 'user_sim_1' };
    },
  });
}
