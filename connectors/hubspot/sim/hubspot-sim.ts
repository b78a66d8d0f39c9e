import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  type OAuthClient,
  type OAuthServer,
  type RateUsage,
  type Simulator,
  SimError,
  bearerOf,
  loadOpenApi,
  oauthServer,
  specsDir,
  startSimulator,
} from '@hub/simkit';
import { hubspotError } from './hubspot-model.js';
import { HubspotObjects, propertyNames } from './hubspot-objects.js';
import { registerFileRoutes, type SimFile } from './hubspot-files.js';
import { registerHubspotRoutes } from './hubspot-routes.js';

/** Options of the HubSpot simulator. */
export interface HubspotSimOptions {
  port?: number;
  /** OAuth clients (default one: hubspot-client / hubspot-secret, any redirect URI). */
  clients?: OAuthClient[];
  /** Requests per 10-second window (default 100, public apps on free/starter). */
  burstLimit?: number;
  burstWindowMs?: number;
  /** Requests per day (default 250,000). */
  dailyLimit?: number;
  /** Search requests per second (default 5). */
  searchPerSecond?: number;
  /** Milliseconds before a written object shows in search (default 0; HubSpot lags up to ~30 s). */
  searchIndexLagMs?: number;
  /** Access token lifetime in seconds (default 1800). */
  tokenTtlSec?: number;
  /** Custom properties per object type, beyond the defaults. */
  customProperties?: Record<string, string[]>;
  /** Answer 400 on requests that break the published spec (default true). */
  rejectViolations?: boolean;
}

/** A running HubSpot simulator. */
export interface HubspotSim extends Simulator {
  oauth: OAuthServer;
  /** Changes the search index lag for objects written from now on. */
  setSearchIndexLag(ms: number): void;
  /** Issues a valid access token without the browser step. */
  accessToken(): string;
  /** Files imported with Files v3 (import from URL), with their bytes. */
  files(): SimFile[];
}

/** The HubSpot specs of the shared spec folder (CRM v3 objects, associations v4, properties, pipelines, OAuth). */
export function hubspotSpecs() {
  const dir = join(specsDir(), 'hubspot');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => loadOpenApi(join(dir, f)));
}

// The deals spec names the object type by id (0-3); clients normally write "deals".
const specPath = (p: string) => p.replace(/^\/crm\/v3\/objects\/deals(?=\/|$)/, '/crm/v3/objects/0-3');

/** Starts a HubSpot simulator on 127.0.0.1. */
export async function startHubspotSim(opts: HubspotSimOptions = {}): Promise<HubspotSim> {
  const burst = opts.burstLimit ?? 100;
  const windowMs = opts.burstWindowMs ?? 10_000;
  const daily = opts.dailyLimit ?? 250_000;
  let lag = opts.searchIndexLagMs ?? 0;
  let oauth: OAuthServer | undefined;
  let fileStore: ReturnType<typeof registerFileRoutes> | undefined;
  const properties = propertyNames(opts.customProperties);
  const isApi = (path: string) => path.startsWith('/crm/') || path.startsWith('/automation/') || path.startsWith('/files/');
  const sim = await startSimulator({
    name: 'hubspot',
    port: opts.port,
    specs: hubspotSpecs(),
    specPath,
    specExempt: ['/oauth/authorize', /^\/hubfs\//, /^\/automation\/v2\/workflows\/[^/]+\/enrollments\/contacts\/[^/]+$/],
    rejectViolations: opts.rejectViolations,
    errorBody: hubspotError,
    unauthorized: (reason) =>
      new SimError(
        401,
        hubspotError(
          401,
          reason === 'expired'
            ? 'The OAuth token used to make this call expired 1 minute(s) ago.'
            : 'Authentication credentials not found. This API supports OAuth 2.0 authentication.',
          reason === 'expired' ? 'EXPIRED_AUTHENTICATION' : 'INVALID_AUTHENTICATION',
        ),
      ),
    authenticate: (req, s) => {
      if (isApi(req.url)) s.checkBearer(req);
    },
    rateLimit: {
      rules: [
        { name: 'TEN_SECONDLY_ROLLING', limit: burst, windowMs },
        { name: 'DAILY', limit: daily, windowMs: 86_400_000 },
      ],
      key: (req) => portalKey(req.headers.authorization),
      exempt: (req) => !isApi(req.url),
      onLimited: (usage) => rateLimited(usage),
    },
    headers: (_req, usage) => (usage ? quotaHeaders(usage) : {}),
    setup: (s) => {
      oauth = oauthServer(s, {
        authorizePath: '/oauth/authorize',
        tokenPath: '/oauth/v1/token',
        clients: opts.clients ?? [{ clientId: 'hubspot-client', clientSecret: 'hubspot-secret' }],
        // HubSpot wants client credentials in the form body.
        clientAuth: ['body'],
        expiresIn: opts.tokenTtlSec ?? 1800,
        errorBody: (error, description) => ({
          status: error === 'invalid_grant' ? 'BAD_REFRESH_TOKEN' : error.toUpperCase(),
          message: description,
          correlationId: crypto.randomUUID(),
          error,
          error_description: description,
        }),
      });
      fileStore = registerFileRoutes(s);
      registerHubspotRoutes(s, new HubspotObjects(s, { searchIndexLagMs: () => lag, properties }), {
        properties,
        searchPerSecond: opts.searchPerSecond ?? 5,
      });
    },
  });
  // One portal per simulator, so every token of it shares the portal's quota.
  function portalKey(auth: string | undefined): string {
    const t = sim.tokens.verify(bearerOf(auth));
    return t.ok ? (t.token.clientId ?? 'portal') : 'portal';
  }
  return Object.assign(sim, {
    oauth: oauth as OAuthServer,
    setSearchIndexLag: (ms: number) => {
      lag = ms;
    },
    files: () => fileStore?.files() ?? [],
    accessToken: () => (oauth as OAuthServer).issue(undefined, 'crm.objects.contacts.write').access_token,
  });
}

function quotaHeaders(usage: RateUsage[]): Record<string, string> {
  const [burst, daily] = usage;
  return {
    'x-hubspot-ratelimit-max': String(burst.limit),
    'x-hubspot-ratelimit-remaining': String(burst.remaining),
    'x-hubspot-ratelimit-interval-milliseconds': String(burst.windowMs),
    'x-hubspot-ratelimit-daily': String(daily.limit),
    'x-hubspot-ratelimit-daily-remaining': String(daily.remaining),
  };
}

/** HubSpot's 429: no Retry-After; the quota headers and policyName tell the client how long to wait. */
function rateLimited(usage: RateUsage[]): SimError {
  const daily = usage[1]?.exceeded;
  return new SimError(429, {
    status: 'error',
    message: daily ? 'You have reached your daily limit.' : 'You have reached your ten_secondly_rolling limit.',
    errorType: 'RATE_LIMIT',
    correlationId: crypto.randomUUID(),
    policyName: daily ? 'DAILY' : 'TEN_SECONDLY_ROLLING',
  });
}
