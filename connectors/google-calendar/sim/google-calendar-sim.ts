import { join } from 'node:path';
import {
  type OAuthClient,
  type OAuthServer,
  type Simulator,
  SimError,
  bearerOf,
  loadDiscovery,
  oauthServer,
  specsDir,
  startSimulator,
} from '@hub/simkit';
import { type CalendarInfo, type StoredEvent, registerCalendarRoutes } from './calendar-events.js';

/** Options of the Google Calendar simulator. */
export interface GoogleCalendarSimOptions {
  port?: number;
  /** OAuth clients (default one: gcal-client / gcal-secret, any redirect URI). */
  clients?: OAuthClient[];
  /** Calendars of the account (default one primary calendar, owner@sim.test). */
  calendars?: CalendarInfo[];
  /** Busy blocks to seed, as events on a calendar (default the primary). */
  busy?: Array<{ calendarId?: string; start: string; end: string; summary?: string }>;
  /** Requests per user per minute before the rate-limit answer (default 600). */
  perUserPerMinute?: number;
  /** Google answers over-quota with 403 rateLimitExceeded or 429 (default 403). */
  rateLimitStatus?: 403 | 429;
  /** Access token lifetime in seconds (default 3599). */
  tokenTtlSec?: number;
}

/** A running Google Calendar simulator. */
export interface GoogleCalendarSim extends Simulator {
  oauth: OAuthServer;
  /** Issues a valid access token without the browser step. */
  accessToken(): string;
  /** Stored events (with the calendar each belongs to and the sendUpdates value of its insert). */
  events(): StoredEvent[];
}

// Google error reasons for the generic codes simkit uses.
const REASONS: Record<string, string> = {
  VALIDATION_ERROR: 'invalid',
  NOT_FOUND: 'notFound',
  UNAUTHORIZED: 'authError',
  INVALID_BODY: 'parseError',
  BAD_REQUEST: 'badRequest',
  RATE_LIMIT: 'rateLimitExceeded',
  CONFLICT: 'duplicate',
  UNAVAILABLE: 'backendError',
  ERROR: 'backendError',
};
const STATUS: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  409: 'ALREADY_EXISTS',
  429: 'RESOURCE_EXHAUSTED',
  500: 'INTERNAL',
  503: 'UNAVAILABLE',
};

/** Google's JSON error body. */
export function googleError(code: number, message: string, reasonOrCode: string): Record<string, unknown> {
  const reason = REASONS[reasonOrCode] ?? reasonOrCode;
  return {
    error: {
      code,
      message,
      errors: [{ domain: code === 403 || code === 429 ? 'usageLimits' : 'global', reason, message }],
      status: STATUS[code] ?? 'UNKNOWN',
    },
  };
}

/** Starts a Google Calendar simulator on 127.0.0.1 (API under /calendar/v3, OAuth at /o/oauth2/v2/auth and /token). */
export async function startGoogleCalendarSim(opts: GoogleCalendarSimOptions = {}): Promise<GoogleCalendarSim> {
  const calendars = opts.calendars ?? [{ id: 'owner@sim.test', summary: 'owner@sim.test', timeZone: 'America/New_York', primary: true }];
  const isApi = (url: string) => url.startsWith('/calendar/');
  const limitStatus = opts.rateLimitStatus ?? 403;
  let oauth: OAuthServer | undefined;
  const sim = await startSimulator({
    name: 'google-calendar',
    port: opts.port,
    specs: [loadDiscovery(join(specsDir(), 'google-calendar', 'calendar-v3.json'))],
    specExempt: ['/o/oauth2/v2/auth', '/token'],
    errorBody: googleError,
    unauthorized: () =>
      new SimError(
        401,
        googleError(
          401,
          'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.',
          'authError',
        ),
        { 'www-authenticate': 'Bearer realm="https://accounts.google.com/", error="invalid_token"' },
      ),
    authenticate: (req, s) => {
      if (isApi(req.url)) s.checkBearer(req);
    },
    rateLimit: {
      rules: [{ name: 'perUserPerMinute', limit: opts.perUserPerMinute ?? 600, windowMs: 60_000, mode: 'sliding' }],
      key: (req) => bearerOf(req.headers.authorization) ?? 'anon',
      exempt: (req) => !isApi(req.url),
      onLimited: () =>
        new SimError(
          limitStatus,
          googleError(limitStatus, 'Rate Limit Exceeded', limitStatus === 403 ? 'userRateLimitExceeded' : 'rateLimitExceeded'),
        ),
    },
    setup: (s) => {
      oauth = oauthServer(s, {
        authorizePath: '/o/oauth2/v2/auth',
        tokenPath: '/token',
        clients: opts.clients ?? [{ clientId: 'gcal-client', clientSecret: 'gcal-secret' }],
        clientAuth: ['body', 'basic'],
        expiresIn: opts.tokenTtlSec ?? 3599,
        // Google only hands out a refresh token for offline access with a fresh consent screen.
        grantsRefreshToken: (q) => q.access_type === 'offline' && (q.prompt ?? '').split(' ').includes('consent'),
        extraFields: () => ({ token_type: 'Bearer' }),
      });
      registerCalendarRoutes(s, () => calendars);
      const seed = () => {
        for (const b of opts.busy ?? []) {
          const calendarId = b.calendarId ?? calendars.find((c) => c.primary)?.id ?? calendars[0].id;
          s.state.collection('events').insert({
            calendarId,
            summary: b.summary ?? 'Busy',
            status: 'confirmed',
            start: { dateTime: b.start },
            end: { dateTime: b.end },
          });
        }
      };
      seed();
      s.onReset(seed);
    },
  });
  return Object.assign(sim, {
    oauth: oauth as OAuthServer,
    accessToken: () => (oauth as OAuthServer).issue(undefined, 'https://www.googleapis.com/auth/calendar').access_token,
    events: () => sim.state.collection<StoredEvent>('events').all(),
  });
}
