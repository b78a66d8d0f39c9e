/** Loopback simulator of the Housecall Pro public API (api.housecallpro.com). */
import { join } from 'node:path';
import { loadOpenApi, specsDir, startSimulator, type Collection, type RateUsage, type Simulator } from '@hub/simkit';
import {
  addAddress,
  createCustomer,
  getCustomer,
  listCustomers,
  updateCustomer,
  type HcpCtx,
  type HcpCustomer,
  type HcpJob,
  type Reply,
} from './hcp-customers.js';
import { addJobNote, createJob, deleteJobSchedule, getCompany, getJob, listEmployees, listJobs, updateJobSchedule } from './hcp-jobs.js';
import { resolveHcpOptions, type HousecallproSimOptions, type ResolvedHcpOptions } from './hcp-state.js';

/** The running simulator with Housecall Pro handles. */
export interface HousecallproSim extends Simulator {
  readonly options: ResolvedHcpOptions;
  /** The first Company API key, for `Authorization: Token <key>`. */
  readonly apiKey: string;
  readonly customers: Collection<HcpCustomer>;
  readonly jobs: Collection<HcpJob>;
}

type Req = Parameters<Simulator['checkBearer']>[0];
type Handler = (ctx: HcpCtx, req: Req) => Reply;

/** The credential of `Authorization: Token <key>` (Company API key) or `Bearer <token>` (OAuth app). */
function credentialOf(header: unknown): string | undefined {
  if (typeof header !== 'string') return undefined;
  return /^(?:Token|Bearer)\s+(.+)$/i.exec(header.trim())?.[1];
}

/** Starts the Housecall Pro simulator on 127.0.0.1. */
export async function startHousecallproSim(options: HousecallproSimOptions = {}): Promise<HousecallproSim> {
  const opts = resolveHcpOptions(options);
  const sim = await startSimulator({
    name: 'housecallpro',
    port: opts.port,
    specs: [loadOpenApi(opts.specFile ?? join(specsDir(), 'housecallpro', 'housecall_v1.yaml'))],
    errorBody: (_status, message) => ({ error: { message } }),
    rateLimit: {
      rules: [{ limit: opts.rateLimit.limit, windowMs: opts.rateLimit.windowMs, mode: 'sliding' }],
      key: (req) => credentialOf(req.headers.authorization) ?? 'anonymous',
    },
    headers: (_req, usage) => rateHeaders(usage),
    setup: (s) => registerRoutes(s, opts),
  });
  for (const key of opts.apiKeys) sim.tokens.issue({ accessToken: key });
  return Object.assign(sim, {
    options: opts,
    apiKey: opts.apiKeys[0],
    customers: sim.state.collection<HcpCustomer>('customers'),
    jobs: sim.state.collection<HcpJob>('jobs'),
  });
}

/** IETF draft RateLimit-* headers (Housecall Pro documents none): limit, remaining, seconds to reset. */
function rateHeaders(usage: RateUsage[] | undefined): Record<string, string> {
  const u = usage?.[0];
  if (!u) return {};
  return {
    'RateLimit-Limit': String(u.limit),
    'RateLimit-Remaining': String(u.remaining),
    'RateLimit-Reset': String(Math.ceil(u.resetMs / 1000)),
  };
}

function registerRoutes(sim: Simulator, opts: ResolvedHcpOptions): void {
  const ctx: HcpCtx = {
    opts,
    customers: sim.state.collection<HcpCustomer>('customers'),
    jobs: sim.state.collection<HcpJob>('jobs'),
  };
  const route = (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, handler: Handler): void => {
    sim.app.route({
      method,
      url,
      handler: async (req, reply) => {
        const v = sim.tokens.verify(credentialOf(req.headers.authorization));
        if (!v.ok) throw sim.error(401, 'Unauthorized');
        const out = handler(ctx, req);
        return reply.code(out.status).send(out.body);
      },
    });
  };
  const p = (req: Req) => req.params as Record<string, string>;
  const b = (req: Req) => (req.body ?? {}) as Record<string, unknown>;
  const q = (req: Req) => req.query as Record<string, unknown>;
  route('GET', '/customers', (c, req) => listCustomers(c, q(req)));
  route('POST', '/customers', (c, req) => createCustomer(c, b(req)));
  route('GET', '/customers/:customer_id', (c, req) => getCustomer(c, p(req).customer_id));
  route('PUT', '/customers/:customer_id', (c, req) => updateCustomer(c, p(req).customer_id, b(req)));
  route('POST', '/customers/:customer_id/addresses', (c, req) => addAddress(c, p(req).customer_id, b(req)));
  route('POST', '/jobs', (c, req) => createJob(c, b(req)));
  route('GET', '/jobs', (c, req) => listJobs(c, q(req)));
  route('GET', '/jobs/:id', (c, req) => getJob(c, p(req).id));
  route('PUT', '/jobs/:job_id/schedule', (c, req) => updateJobSchedule(c, p(req).job_id, b(req)));
  route('DELETE', '/jobs/:job_id/schedule', (c, req) => deleteJobSchedule(c, p(req).job_id));
  route('POST', '/jobs/:job_id/notes', (c, req) => addJobNote(c, p(req).job_id, b(req)));
  route('GET', '/employees', (c, req) => listEmployees(c, q(req)));
  route('GET', '/company', (c) => getCompany(c));
}
