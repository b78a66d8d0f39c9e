/** Loopback simulator of the GoHighLevel API v2 (services.leadconnectorhq.com). */
import { join } from 'node:path';
import {
  bearerOf,
  loadOpenApi,
  specsDir,
  startSimulator,
  type Collection,
  type OAuthServer,
  type RateUsage,
  type Simulator,
} from '@hub/simkit';
import {
  addToWorkflow,
  createNote,
  findDuplicateContact,
  getContact,
  listNotes,
  upsertContact,
  updateContact,
  type GhlContact,
  type GhlCtx,
  type Reply,
} from './ghl-contacts.js';
import { createAppointment, deleteEvent, editAppointment, getFreeSlots } from './ghl-calendars.js';
import { createOpportunity, listCustomFields } from './ghl-opportunities.js';
import { resolveGhlOptions, type GohighlevelSimOptions, type ResolvedGhlOptions } from './ghl-state.js';
import { registerGhlOauth } from './ghl-oauth.js';

/** The running simulator plus GoHighLevel-specific handles. */
export interface GohighlevelSim extends Simulator {
  readonly options: ResolvedGhlOptions;
  /** The OAuth server when `options.oauth` was given (authorize `/oauth/chooselocation`, token `/oauth/token`). */
  readonly oauth: OAuthServer | undefined;
  /** The default location id and a Private Integration token for it. */
  readonly locationId: string;
  readonly token: string;
  readonly contacts: Collection<GhlContact>;
  readonly notes: Collection<Record<string, unknown>>;
  readonly enrollments: Collection<Record<string, unknown>>;
  readonly appointments: Collection<Record<string, unknown>>;
  readonly opportunities: Collection<Record<string, unknown>>;
}

/** The request type of the simulator's routes (fastify's), named without depending on fastify. */
type FastifyRequest = Parameters<Simulator['checkBearer']>[0];
const SPEC_FILES = ['contacts', 'calendars', 'opportunities', 'locations', 'workflows', 'oauth', 'custom-fields', 'users'];

type Params = Record<string, string>;
type Handler = (ctx: GhlCtx, req: FastifyRequest) => Reply;

/** Starts the GoHighLevel simulator on 127.0.0.1. */
export async function startGohighlevelSim(options: GohighlevelSimOptions = {}): Promise<GohighlevelSim> {
  const opts = resolveGhlOptions(options);
  const specDir = opts.specDir ?? join(specsDir(), 'gohighlevel', 'apps');
  let simRef: Simulator | undefined;
  let oauth: OAuthServer | undefined;
  // Quota is per location, so the counting key is the location the bearer token belongs to.
  const locationOf = (req: FastifyRequest): string => {
    const v = simRef?.tokens.verify(bearerOf(req.headers.authorization));
    return v?.ok ? String(v.token.data?.locationId ?? 'unknown') : 'anonymous';
  };
  const sim = await startSimulator({
    name: 'gohighlevel',
    port: opts.port,
    specs: SPEC_FILES.map((f) => loadOpenApi(join(specDir, `${f}.json`))),
    // The marketplace's location chooser is not in the API specs.
    specExempt: [/^\/oauth\/chooselocation$/],
    errorBody: (status, message) => ({ statusCode: status, message, error: reasonPhrase(status) }),
    unauthorized: () => simRef!.error(401, 'Invalid JWT'),
    rateLimit: {
      rules: [
        { name: 'burst', limit: opts.rateLimit.limit, windowMs: opts.rateLimit.windowMs },
        { name: 'daily', limit: opts.rateLimit.daily, windowMs: 86_400_000 },
      ],
      key: locationOf,
      exempt: (req) => req.url.startsWith('/oauth/'),
      // GHL reports its quota in X-RateLimit-* headers rather than Retry-After.
      onLimited: () => simRef!.error(429, 'Too Many Requests'),
    },
    headers: (_req, usage) => quotaHeaders(usage),
    setup: (s) => {
      simRef = s;
      registerRoutes(s, opts);
      if (opts.oauth) oauth = registerGhlOauth(s, opts.oauth, opts.locations[0].id);
    },
  });
  for (const [token, locationId] of Object.entries(opts.privateTokens)) {
    sim.tokens.issue({ accessToken: token, data: { locationId, userType: 'Location' } });
  }
  const col = <T extends Record<string, unknown>>(n: string) => sim.state.collection<T>(n);
  return Object.assign(sim, {
    options: opts,
    oauth,
    locationId: opts.locations[0].id,
    token: Object.keys(opts.privateTokens)[0],
    contacts: col<GhlContact>('contacts'),
    notes: col('notes'),
    enrollments: col('workflowEnrollments'),
    appointments: col('appointments'),
    opportunities: col('opportunities'),
  });
}

function registerRoutes(sim: Simulator, opts: ResolvedGhlOptions): void {
  const route = (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, handler: Handler): void => {
    sim.app.route({
      method,
      url,
      handler: async (req, reply) => {
        const token = sim.checkBearer(req);
        const ctx = contextFor(sim, opts, String(token.data?.locationId));
        const out = handler(ctx, req);
        return reply.code(out.status).send(out.body);
      },
    });
  };
  const p = (req: FastifyRequest): Params => req.params as Params;
  const b = (req: FastifyRequest): Record<string, unknown> => (req.body ?? {}) as Record<string, unknown>;
  const q = (req: FastifyRequest): Record<string, unknown> => req.query as Record<string, unknown>;
  route('POST', '/contacts/upsert', (ctx, req) => upsertContact(ctx, b(req)));
  route('GET', '/contacts/search/duplicate', (ctx, req) => findDuplicateContact(ctx, q(req)));
  route('GET', '/contacts/:contactId', (ctx, req) => getContact(ctx, p(req).contactId));
  route('PUT', '/contacts/:contactId', (ctx, req) => updateContact(ctx, p(req).contactId, b(req)));
  route('POST', '/contacts/:contactId/notes', (ctx, req) => createNote(ctx, p(req).contactId, b(req)));
  route('GET', '/contacts/:contactId/notes', (ctx, req) => listNotes(ctx, p(req).contactId));
  route('POST', '/contacts/:contactId/workflow/:workflowId', (ctx, req) => addToWorkflow(ctx, p(req).contactId, p(req).workflowId, b(req)));
  route('GET', '/calendars/:calendarId/free-slots', (ctx, req) => getFreeSlots(ctx, p(req).calendarId, q(req)));
  route('POST', '/calendars/events/appointments', (ctx, req) => createAppointment(ctx, b(req)));
  route('PUT', '/calendars/events/appointments/:eventId', (ctx, req) => editAppointment(ctx, p(req).eventId, b(req)));
  route('DELETE', '/calendars/events/:eventId', (ctx, req) => deleteEvent(ctx, p(req).eventId));
  route('POST', '/opportunities/', (ctx, req) => createOpportunity(ctx, b(req)));
  route('GET', '/locations/:locationId/customFields', (ctx, req) => listCustomFields(ctx, p(req).locationId, q(req)));
}

function contextFor(sim: Simulator, opts: ResolvedGhlOptions, locationId: string): GhlCtx {
  const col = <T extends Record<string, unknown>>(n: string) => sim.state.collection<T>(n);
  return {
    opts,
    locationId,
    contacts: col<GhlContact>('contacts'),
    notes: col('notes'),
    enrollments: col('workflowEnrollments'),
    appointments: col('appointments'),
    opportunities: col('opportunities'),
  };
}

/** GoHighLevel's quota headers, from the burst rule and the daily rule. */
function quotaHeaders(usage: RateUsage[] | undefined): Record<string, string> {
  if (!usage) return {};
  const [burst, daily] = usage;
  return {
    'X-RateLimit-Remaining': String(burst.remaining),
    'X-RateLimit-Max': String(burst.limit),
    'X-RateLimit-Interval-Milliseconds': String(burst.windowMs),
    'X-RateLimit-Daily-Remaining': String(daily.remaining),
    'X-RateLimit-Limit-Daily': String(daily.limit),
  };
}

function reasonPhrase(status: number): string {
  const phrases: Record<number, string> = {
    400: 'Bad Request',
    401: 'Unauthorized',
    403: 'Forbidden',
    404: 'Not Found',
    422: 'Unprocessable Entity',
    429: 'Too Many Requests',
    500: 'Internal Server Error',
    503: 'Service Unavailable',
  };
  return phrases[status] ?? 'Error';
}
