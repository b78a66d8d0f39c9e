import { createHmac } from 'node:crypto';
import { type OAuthClient, type OAuthServer, type Simulator, oauthServer, startSimulator } from '@hub/simkit';
import { KEY_PREFIX, sfError } from './salesforce-objects.js';
import { registerSalesforceRoutes } from './salesforce-routes.js';

/** Options of the Salesforce simulator. */
export interface SalesforceSimOptions {
  port?: number;
  /** Connected apps (default one: sf-client / sf-secret, any callback URL). */
  clients?: OAuthClient[];
  /** API requests allowed per 24 hours (default 15,000, a Developer Edition org's allowance). */
  dailyApiLimit?: number;
  /** Silent session timeout in seconds (default none: tokens live until expired by a fault). */
  sessionTimeoutSec?: number;
  /** Milliseconds before SOSL sees a new record (default 0). */
  searchIndexLagMs?: number;
}

/** A running Salesforce simulator. */
export interface SalesforceSim extends Simulator {
  oauth: OAuthServer;
  /** API requests counted today. */
  readonly apiUsage: number;
  /** Changes how long SOSL takes to see records written from now on. */
  setSearchIndexLag(ms: number): void;
  /** Uses up the daily allowance, so API calls answer 403 REQUEST_LIMIT_EXCEEDED. */
  exhaustDailyLimit(): void;
  /** Issues a valid access token without the browser step. */
  accessToken(): string;
}

const ORG_ID = '00D5g000000SimOrg';
const USER_ID = '0055g000000SimUsr';

/** Starts a Salesforce simulator on 127.0.0.1; its own URL is the org's instance_url. */
export async function startSalesforceSim(opts: SalesforceSimOptions = {}): Promise<SalesforceSim> {
  const limit = opts.dailyApiLimit ?? 15_000;
  let used = 0;
  let lag = opts.searchIndexLagMs ?? 0;
  let oauth: OAuthServer | undefined;
  const isApi = (url: string) => url.startsWith('/services/data');
  const sim = await startSimulator({
    name: 'salesforce',
    port: opts.port,
    errorBody: (_s, message, code) => [{ message, errorCode: code === 'NOT_FOUND' ? 'NOT_FOUND' : code }],
    unauthorized: () => sfError(401, 'Session expired or invalid', 'INVALID_SESSION_ID'),
    authenticate: (req, s) => {
      if (!isApi(req.url)) return;
      s.checkBearer(req);
      const version = /^\/services\/data\/([^/?]+)/.exec(req.url)?.[1];
      if (version !== undefined && !/^v\d{2}\.0$/.test(version)) throw sfError(404, 'The requested resource does not exist', 'NOT_FOUND');
      // Every authenticated API call counts against the org's 24-hour allowance.
      if (used >= limit) throw sfError(403, 'TotalRequests Limit exceeded.', 'REQUEST_LIMIT_EXCEEDED');
      used += 1;
    },
    headers: (req): Record<string, string> => (isApi(req.url) ? { 'sforce-limit-info': `api-usage=${used}/${limit}` } : {}),
    setup: (s) => {
      for (const [type, prefix] of Object.entries(KEY_PREFIX)) {
        s.state.collection(type, { idFactory: (n) => `${prefix}5g0000${String(n).padStart(6, '0')}AAA` });
      }
      oauth = oauthServer(s, {
        authorizePath: '/services/oauth2/authorize',
        tokenPath: '/services/oauth2/token',
        clients: opts.clients ?? [{ clientId: 'sf-client', clientSecret: 'sf-secret' }],
        clientAuth: ['body', 'basic'],
        // No expires_in: the client learns of expiry from a 401 INVALID_SESSION_ID.
        sessionTtlSec: opts.sessionTimeoutSec,
        extraFields: ({ clientId }) => {
          const issuedAt = String(Date.now());
          const id = `${s.url}/id/${ORG_ID}/${USER_ID}`;
          const signature = createHmac('sha256', clientId)
            .update(id + issuedAt)
            .digest('base64');
          return { instance_url: s.url, id, issued_at: issuedAt, signature, token_type: 'Bearer' };
        },
      });
      registerSalesforceRoutes(s, { searchIndexLagMs: () => lag });
    },
  });
  sim.onReset(() => {
    used = 0;
  });
  // defineProperty keeps apiUsage live; Object.assign would copy today's value once.
  Object.defineProperty(sim, 'apiUsage', { get: () => used });
  return Object.assign(sim as Simulator & { readonly apiUsage: number }, {
    oauth: oauth as OAuthServer,
    exhaustDailyLimit: () => {
      used = limit;
    },
    setSearchIndexLag: (ms: number) => {
      lag = ms;
    },
    accessToken: () => (oauth as OAuthServer).issue(undefined, 'api refresh_token').access_token,
  });
}
