/** Loopback simulator of the Pipedrive API v1 ({company}.pipedrive.com/api/v1, served here under /v1). */
import { bearerOf, startSimulator, type Collection, type RateUsage, type Simulator } from '@hub/simkit';
import { createPerson, getPerson, searchPersons, updatePerson, type PdCtx, type PdFields } from './pipedrive-persons.js';
import { createActivity, createDeal, createNote, currentUser, listNotes, listPersonFields } from './pipedrive-records.js';
import {
  pdErrorBody,
  resolvePipedriveOptions,
  type PipedriveSimOptions,
  type Reply,
  type ResolvedPipedriveOptions,
} from './pipedrive-state.js';
import { checkBody, RULES, type FieldRule } from './pipedrive-validate.js';

/** The running simulator with Pipedrive handles. */
export interface PipedriveSim extends Simulator {
  readonly options: ResolvedPipedriveOptions;
  /** The first API token. */
  readonly apiToken: string;
  readonly persons: Collection<PdFields>;
  readonly notes: Collection<PdFields>;
  readonly activities: Collection<PdFields>;
  readonly deals: Collection<PdFields>;
}

type Req = Parameters<Simulator['checkBearer']>[0];

/** The caller's credential: `api_token` query parameter, `x-api-token` header, or an OAuth bearer. */
function credentialOf(req: Req): string | undefined {
  const q = (req.query ?? {}) as Record<string, unknown>;
  if (typeof q.api_token === 'string' && q.api_token !== '') return q.api_token;
  const header = req.headers['x-api-token'];
  if (typeof header === 'string' && header !== '') return header;
  return bearerOf(req.headers.authorization);
}

/** Starts the Pipedrive simulator on 127.0.0.1. */
export async function startPipedriveSim(options: PipedriveSimOptions = {}): Promise<PipedriveSim> {
  const opts = resolvePipedriveOptions(options);
  const sim = await startSimulator({
    name: 'pipedrive',
    port: opts.port,
    errorBody: (status, message) => pdErrorBody(status, message),
    rateLimit: {
      rules: [{ limit: opts.rateLimit.limit, windowMs: opts.rateLimit.windowMs }],
      key: (req) => credentialOf(req) ?? 'anonymous',
    },
    headers: (_req, usage) => rateHeaders(usage),
    setup: (s) => registerRoutes(s, opts),
  });
  for (const t of opts.apiTokens) sim.tokens.issue({ accessToken: t });
  const col = (n: string) => sim.state.collection<PdFields>(n);
  return Object.assign(sim, {
    options: opts,
    apiToken: opts.apiTokens[0],
    persons: col('persons'),
    notes: col('notes'),
    activities: col('activities'),
    deals: col('deals'),
  });
}

/** Pipedrive's rate-limit headers; reset is in seconds. */
function rateHeaders(usage: RateUsage[] | undefined): Record<string, string> {
  const u = usage?.[0];
  if (!u) return {};
  return {
    'x-ratelimit-limit': String(u.limit),
    'x-ratelimit-remaining': String(u.remaining),
    'x-ratelimit-reset': String(Math.ceil(u.resetMs / 1000)),
  };
}

function registerRoutes(sim: Simulator, opts: ResolvedPipedriveOptions): void {
  const col = (n: string) => sim.state.collection<PdFields>(n);
  const ctx: PdCtx = { opts, persons: col('persons'), notes: col('notes'), activities: col('activities'), deals: col('deals') };
  const route = (method: 'GET' | 'POST' | 'PUT', url: string, handler: (req: Req) => Reply, rules?: FieldRule[]): void => {
    sim.app.route({
      method,
      url,
      handler: async (req, reply) => {
        if (!sim.tokens.verify(credentialOf(req)).ok) throw sim.error(401, 'unauthorized access');
        if (rules) {
          // No published spec to check against, so the simulator records its own rule breaches as violations.
          const problems = checkBody(req.body, rules);
          if (problems.length) {
            sim.violations.push({ method, path: req.url.split('?')[0], template: url, problems, at: Date.now() });
            throw sim.error(400, problems.join(' '));
          }
        }
        const res = handler(req);
        return reply.code(res.status).send(res.body);
      },
    });
  };
  const body = (req: Req) => req.body as Record<string, unknown>;
  const query = (req: Req) => req.query as Record<string, unknown>;
  route('GET', '/v1/users/me', () => currentUser(ctx));
  route('GET', '/v1/persons/search', (req) => searchPersons(ctx, query(req)));
  route('GET', '/v1/persons/:id', (req) => getPerson(ctx, (req.params as { id: string }).id));
  route('POST', '/v1/persons', (req) => createPerson(ctx, body(req)), RULES.person);
  route('PUT', '/v1/persons/:id', (req) => updatePerson(ctx, (req.params as { id: string }).id, body(req)), RULES.personUpdate);
  route('POST', '/v1/notes', (req) => createNote(ctx, body(req)), RULES.note);
  route('GET', '/v1/notes', (req) => listNotes(ctx, query(req)));
  route('POST', '/v1/activities', (req) => createActivity(ctx, body(req)), RULES.activity);
  route('POST', '/v1/deals', (req) => createDeal(ctx, body(req)), RULES.deal);
  route('GET', '/v1/personFields', (req) => listPersonFields(ctx, query(req)));
}
