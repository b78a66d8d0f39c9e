import { AuthorizationCode } from 'simple-oauth2';
import type { OAuth2Spec } from '@hub/manifests';
import { HubError, isHubError } from '../../errors/hub-error.js';

/** A deployment's OAuth app at one provider (HUB_OAUTH_<ID>_CLIENT_ID / _CLIENT_SECRET). */
export interface OAuthApp {
  clientId: string;
  clientSecret: string;
  /** the redirect URI registered with the provider, when it is not the hub's default (HUB_OAUTH_<ID>_REDIRECT_URI) */
  redirectUri?: string;
}

/** A token endpoint's answer, as the provider sent it. */
export type TokenAnswer = Record<string, unknown> & { access_token?: unknown; refresh_token?: unknown; expires_in?: unknown };

/** The env-style key of a connector's OAuth app: upper case, `-` as `_` (google-calendar → GOOGLE_CALENDAR). */
export function oauthAppKey(connectorId: string): string {
  return connectorId.toUpperCase().replace(/-/g, '_');
}

/**
 * Talks to one provider's token endpoint through simple-oauth2: the code exchange and the refresh
 * grant. Failures become HubErrors that carry the OAuth error code but never a token.
 */
export class TokenClient {
  private readonly client: AuthorizationCode;
  /** the app's client id (public: it appears in authorize URLs) */
  readonly clientId: string;

  constructor(
    spec: OAuth2Spec,
    private readonly connectorId: string,
    app: OAuthApp,
  ) {
    this.clientId = app.clientId;
    const token = new URL(spec.tokenUrl);
    const authorize = new URL(spec.authorizeUrl);
    this.client = new AuthorizationCode({
      client: { id: app.clientId, secret: app.clientSecret },
      auth: {
        tokenHost: token.origin,
        tokenPath: `${token.pathname}${token.search}`,
        authorizeHost: authorize.origin,
        authorizePath: authorize.pathname,
      },
      // Many providers (HubSpot among them) refuse HTTP Basic client credentials; the manifest says which.
      options: {
        authorizationMethod: spec.clientAuth === 'header' ? 'header' : 'body',
        bodyFormat: 'form',
        scopeSeparator: spec.scopeSeparator ?? ' ',
      },
      http: { timeout: 15_000 },
    });
  }

  /** Exchanges an authorization code (with the PKCE verifier when one was used). */
  async exchange(code: string, redirectUri: string, codeVerifier?: string): Promise<TokenAnswer> {
    return this.call(async () => {
      const params = { code, redirect_uri: redirectUri, ...(codeVerifier ? { code_verifier: codeVerifier } : {}) };
      return (await this.client.getToken(params as Parameters<AuthorizationCode['getToken']>[0])).token as TokenAnswer;
    }, 'code exchange');
  }

  /** Uses a refresh token; the answer may carry a rotated refresh token. */
  async refresh(refreshToken: string): Promise<TokenAnswer> {
    return this.call(
      async () => (await this.client.createToken({ refresh_token: refreshToken }).refresh()).token as TokenAnswer,
      'token refresh',
    );
  }

  private async call(fn: () => Promise<TokenAnswer>, what: string): Promise<TokenAnswer> {
    let answer: TokenAnswer;
    try {
      answer = await fn();
    } catch (err) {
      throw this.failure(err, what);
    }
    if (typeof answer.access_token !== 'string' || !answer.access_token) {
      throw new HubError('HUB_ERR_CRM_AUTH', `${this.connectorId}: the ${what} answer has no access_token`, {
        retryable: false,
        details: { oauthError: 'invalid_response' },
      });
    }
    return answer;
  }

  private failure(err: unknown, what: string): HubError {
    const e = err as { output?: { statusCode?: number }; data?: { payload?: unknown }; code?: string };
    const status = e.output?.statusCode;
    const payload = (typeof e.data?.payload === 'object' && e.data?.payload !== null ? e.data.payload : {}) as Record<string, unknown>;
    const oauthError = typeof payload.error === 'string' ? payload.error : undefined;
    const description =
      typeof payload.error_description === 'string'
        ? payload.error_description.slice(0, 200)
        : typeof payload.message === 'string'
          ? payload.message.slice(0, 200)
          : '';
    const details = { oauthError: oauthError ?? null, status: status ?? null };
    const text = `${this.connectorId}: ${what} failed${status ? ` (${status})` : ''}${oauthError ? `: ${oauthError}` : ''}${description ? ` (${description})` : ''}`;
    // No status at all is a network failure; 5xx and 429 are the provider's trouble, not the grant's.
    if (status === undefined || status >= 500 || status === 429)
      return new HubError('HUB_ERR_CRM_TRANSIENT', text, { retryable: true, details });
    return new HubError('HUB_ERR_CRM_AUTH', text, { retryable: false, details });
  }
}

/** True when a failure means the grant itself is dead (revoked, expired, rotated away): reauthorize. */
export function isInvalidGrant(err: unknown): boolean {
  return isHubError(err) && err.details?.oauthError === 'invalid_grant';
}
