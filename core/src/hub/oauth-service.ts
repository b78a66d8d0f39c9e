import { createHash, randomBytes } from 'node:crypto';
import type { OAuth2Spec } from '@hub/manifests';
import { HubError, inputError } from '../errors/hub-error.js';
import { oauth2Strategies, tokenClientFor } from '../auth/oauth2/strategy.js';
import { oauthAppKey } from '../auth/oauth2/token-client.js';
import { RepoCredentialStore } from '../auth/oauth2/credential-store.js';
import type { OAuthStrategyFactory } from '../auth/index.js';
import { tokensFromAnswer } from '../auth/oauth2/tokens.js';
import { OAuthStateRepo } from '../store/repos/oauth-states.js';
import type { IntegrationDoc } from '../store/repos/documents.js';
import type { HubServices } from '../services.js';

/** The query of an OAuth callback as the provider sends it. */
export interface CallbackQuery {
  code?: string;
  state?: string;
  error?: string;
  error_description?: string;
}

/**
 * The authorization-code flow around the token strategy: authorize URLs with a single-use state
 * (and PKCE where the manifest says), and the callback that exchanges the code and connects the
 * integration.
 */
export class OAuthService {
  readonly states: OAuthStateRepo;

  constructor(private readonly hub: HubServices) {
    this.states = new OAuthStateRepo(hub.engine.collection('oauth_states'), hub.keyring);
  }

  /** The oauth2 declaration of a connector, or undefined for other auth types. */
  spec(type: string): OAuth2Spec | undefined {
    const auth = this.hub.registry.get(type)?.manifest.auth;
    return auth?.type === 'oauth2' ? auth : undefined;
  }

  /**
   * Where the provider sends the browser back: the URI the deployment registered
   * (HUB_OAUTH_<ID>_REDIRECT_URI, whose callback may name an alias such as the original spec's
   * `google`), else `${HUB_PUBLIC_URL}/api/integrations/<type>/callback`.
   */
  redirectUri(type: string): string {
    const registered = this.hub.settings.oauthApps?.[oauthAppKey(type)]?.redirectUri;
    if (!registered) return `${this.hub.settings.publicUrl}/api/integrations/${type}/callback`;
    const name = /\/api\/integrations\/([a-z0-9-]+)\/callback$/.exec(new URL(registered).pathname)?.[1];
    if (!name || this.hub.registry.resolve(name)?.manifest.id !== type) {
      throw new HubError(
        'HUB_ERR_OAUTH',
        `HUB_OAUTH_${oauthAppKey(type)}_REDIRECT_URI: its callback path names "${name}", which is neither ${type} nor one of its aliases`,
        { statusCode: 503, retryable: false },
      );
    }
    return registered;
  }

  /**
   * An authorize URL for an integration. Its single-use state is reused while it is unused and has
   * a couple of minutes left, so listing integrations does not write a state per view.
   */
  async authorizeUrl(doc: IntegrationDoc): Promise<string> {
    const spec = this.spec(doc.type);
    if (!spec) throw new HubError('HUB_ERR_CAPABILITY', `${doc.type} does not use OAuth`);
    const apps = this.hub.settings.oauthApps ?? {};
    const client = tokenClientFor(spec, doc.type, apps);
    const redirectUri = this.redirectUri(doc.type);
    const kept = await this.states.reusable(doc._id, redirectUri);
    // A kept state carries its own verifier (or none): PKCE follows what the state was made with.
    const verifier = kept ? kept.codeVerifier : spec.pkce ? randomBytes(48).toString('base64url') : undefined;
    const state =
      kept?.state ??
      (await this.states.create({
        tenantId: doc.tenantId,
        agentId: doc.agentId,
        connectorId: doc.type,
        integrationId: doc._id,
        codeVerifier: verifier,
        redirectUri,
      }));
    const url = new URL(spec.authorizeUrl);
    const params: Record<string, string> = {
      response_type: 'code',
      client_id: client.clientId,
      redirect_uri: redirectUri,
      scope: spec.scopes.join(spec.scopeSeparator ?? ' '),
      state,
      ...spec.authorizeParams,
      ...(verifier ? { code_challenge: createHash('sha256').update(verifier).digest('base64url'), code_challenge_method: 'S256' } : {}),
    };
    for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
    return url.toString();
  }

  /**
   * Completes a callback reached at /api/integrations/<name>/callback (name: a connector id or
   * alias): checks the state, exchanges the code, stores the tokens, connects the integration.
   */
  async complete(name: string, query: CallbackQuery): Promise<IntegrationDoc> {
    const type = this.hub.registry.resolve(name)?.manifest.id ?? name;
    const spec = this.spec(type);
    if (!spec) throw inputError('type', `${name} is not an OAuth integration type`);
    if (query.error) {
      // Burn the state so a denied flow cannot be replayed.
      if (query.state) await this.states.consume(query.state);
      const why = query.error === 'access_denied' ? 'consent was denied' : `the provider answered ${query.error}`;
      throw new HubError(
        'HUB_ERR_OAUTH',
        `authorization was not granted: ${why}${query.error_description ? ` (${query.error_description.slice(0, 200)})` : ''}`,
        { field: 'query.error' },
      );
    }
    if (!query.state) throw new HubError('HUB_ERR_OAUTH', 'query.state: is required', { field: 'query.state' });
    if (!query.code) throw new HubError('HUB_ERR_OAUTH', 'query.code: is required', { field: 'query.code' });
    const used = await this.states.consume(query.state);
    if (!used.ok)
      throw new HubError(
        'HUB_ERR_OAUTH',
        `query.state: ${used.reason === 'expired' ? 'has expired; start the connection again' : used.reason === 'used' ? 'was already used' : 'is not a state this hub issued'}`,
        { field: 'query.state' },
      );
    const grant = used.grant;
    if (grant.connectorId !== type)
      throw new HubError('HUB_ERR_OAUTH', `query.state: was issued for ${grant.connectorId}, not ${type}`, { field: 'query.state' });
    const doc = await this.hub.repos.integrations.byId(grant.integrationId);
    if (!doc || doc.tenantId !== grant.tenantId || doc.agentId !== grant.agentId)
      throw new HubError('HUB_ERR_OAUTH', 'query.state: the integration it was issued for no longer exists', { field: 'query.state' });
    const answer = await tokenClientFor(spec, type, this.hub.settings.oauthApps ?? {}).exchange(
      query.code,
      grant.redirectUri ?? this.redirectUri(type),
      grant.codeVerifier,
    );
    const { credentials, account } = tokensFromAnswer(answer, spec, Date.now());
    await this.hub.repos.integrations.saveCredentials(doc._id, credentials, { ...doc.account, ...account });
    await this.hub.repos.integrations.setStatus(doc._id, 'connected');
    return (await this.hub.repos.integrations.byId(doc._id)) ?? doc;
  }
}

/** The OAuth2 strategy factory over this hub's store: plug into HubServices' `oauth` argument. */
export function oauthStrategyFor(hub: HubServices, opts: { marginMs?: number } = {}): OAuthStrategyFactory {
  return oauth2Strategies({
    store: new RepoCredentialStore(hub.repos.integrations, hub.repos.locks),
    apps: hub.settings.oauthApps ?? {},
    marginMs: opts.marginMs,
  });
}
