import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { type Fault, FaultList } from './faults.js';
import { type RateLimitRule, RateLimiter, type RateUsage } from './rate-limit.js';
import { type ErrorBodyFn, SimError, defaultErrorBody, isSimError } from './sim-error.js';
import { type CheckedRequest, type SpecChecker, checkAgainst } from './spec-check.js';
import { SimState } from './state.js';
import { type TokenRecord, type TokenRefusal, TokenStore, bearerOf } from './tokens.js';
import { registerAdminRoutes } from './admin-routes.js';
import { registerBodyParsers } from './body-parsers.js';

/** One request as the simulator received it. */
export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, unknown>;
  headers: Record<string, unknown>;
  body: unknown;
  /** Unparsed body text, when there was one. */
  rawBody?: string;
  /** Status the simulator answered (absent when the connection was dropped). */
  status?: number;
  at: number;
}

/** A request that broke the vendor's published contract. */
export interface Violation {
  method: string;
  path: string;
  template?: string;
  problems: string[];
  at: number;
}

/** Rate limiting of a simulator: rules, who is counted, and the vendor's 429. */
export interface SimRateLimit {
  rules: RateLimitRule[];
  /** Counting key (per token, per location...); default one bucket for everyone. */
  key?: (req: FastifyRequest) => string;
  /** Requests not counted (OAuth endpoints, for example). */
  exempt?: (req: FastifyRequest) => boolean;
  /** The vendor's answer when over a limit; default 429 with Retry-After and the error shape. */
  onLimited?: (usage: RateUsage[], req: FastifyRequest) => SimError;
}

/** Options of startSimulator. */
export interface SimulatorOptions {
  /** Shown in logs and errors. */
  name?: string;
  /** Port on 127.0.0.1; default 0 (any free port). */
  port?: number;
  /** Vendor contracts every request is checked against. */
  specs?: SpecChecker[];
  /** Maps a request path to the spec's path (e.g. a named object type to its numeric id). */
  specPath?: (path: string) => string;
  /** Paths the specs do not cover but the vendor serves (exact or regex); others outside every spec are violations. */
  specExempt?: Array<string | RegExp>;
  /** Answer 400 on a violation (default true); false only records it. */
  rejectViolations?: boolean;
  /** Checks credentials before rate limits and spec checks (throw sim.error / checkBearer's 401). */
  authenticate?: (req: FastifyRequest, sim: Simulator) => void;
  rateLimit?: SimRateLimit;
  /** Headers set on every API answer, e.g. quota headers from the rate-limit usage. */
  headers?: (req: FastifyRequest, usage: RateUsage[] | undefined) => Record<string, string>;
  /** The vendor's error body. */
  errorBody?: ErrorBodyFn;
  /** The vendor's answer to a missing, unknown or expired bearer token; default 401 with errorBody. */
  unauthorized?: (reason: TokenRefusal) => SimError;
  /** Adds the vendor's routes; runs before the server listens. */
  setup?: (sim: Simulator) => void | Promise<void>;
}

/** A running loopback simulator. */
export interface Simulator {
  readonly name: string;
  /** http://127.0.0.1:PORT once listening. */
  readonly url: string;
  readonly port: number;
  /** The fastify app; add routes in `setup`. */
  readonly app: FastifyInstance;
  readonly state: SimState;
  readonly requests: RecordedRequest[];
  readonly violations: Violation[];
  readonly faults: FaultList;
  readonly tokens: TokenStore;
  /** Injects a fault programmatically. */
  inject(fault: Fault): void;
  /** The valid token of this request's Authorization header; throws the vendor's 401 otherwise. */
  checkBearer(req: FastifyRequest): TokenRecord;
  /** A vendor-shaped error to throw from a route. */
  error(status: number, message: string, code?: string, headers?: Record<string, string>): SimError;
  /** Registers a function run on reset (to seed fixtures again). */
  onReset(fn: () => void): void;
  /** Clears state, recorded requests, violations, faults and rate counters; keeps tokens. */
  reset(): void;
  close(): Promise<void>;
}

/** Starts a simulator on 127.0.0.1 with recording, faults, rate limits and spec checks wired in. */
export async function startSimulator(opts: SimulatorOptions = {}): Promise<Simulator> {
  // Vendors answer "/sobjects/Lead/" and "/sobjects/Lead" alike.
  const app = Fastify({ logger: false, routerOptions: { ignoreTrailingSlash: true } });
  const errorBody = opts.errorBody ?? defaultErrorBody;
  const limiter = opts.rateLimit ? new RateLimiter(opts.rateLimit.rules) : undefined;
  const resetFns: Array<() => void> = [];
  const recOf = new WeakMap<FastifyRequest, RecordedRequest>();
  const usageOf = new WeakMap<FastifyRequest, RateUsage[]>();
  const dropAnswer = new WeakSet<FastifyRequest>();
  let port = 0;

  const sim: Simulator = {
    name: opts.name ?? 'sim',
    get url() {
      return `http://127.0.0.1:${port}`;
    },
    get port() {
      return port;
    },
    app,
    state: new SimState(),
    requests: [],
    violations: [],
    faults: new FaultList(),
    tokens: new TokenStore(),
    inject: (f) => sim.faults.add(f),
    error: (status, message, code = codeFor(status), headers = {}) => new SimError(status, errorBody(status, message, code), headers),
    checkBearer(req) {
      const v = sim.tokens.verify(bearerOf(req.headers.authorization));
      if (v.ok) return v.token;
      throw opts.unauthorized?.(v.reason) ?? sim.error(401, `Authentication credentials ${v.reason}`, 'UNAUTHORIZED');
    },
    onReset: (fn) => {
      resetFns.push(fn);
    },
    reset() {
      sim.state.reset();
      sim.requests.length = 0;
      sim.violations.length = 0;
      sim.faults.clear();
      limiter?.reset();
      for (const fn of resetFns) fn();
    },
    close: () => app.close(),
  };

  registerBodyParsers(app, (m) => sim.error(400, m, 'INVALID_BODY'));
  app.setErrorHandler((err, _req, reply) => {
    if (isSimError(err)) return sendSimError(reply, err);
    const status = (err as { statusCode?: number }).statusCode ?? 500;
    return sendSimError(reply, sim.error(status, (err as Error).message));
  });
  app.setNotFoundHandler((req, reply) => sendSimError(reply, sim.error(404, `No route for ${req.method} ${pathOf(req)}`, 'NOT_FOUND')));

  app.addHook('preHandler', async (req, reply) => {
    const path = pathOf(req);
    if (path.startsWith('/__sim/')) return;
    const rec: RecordedRequest = {
      method: req.method,
      path,
      query: { ...(req.query as object) },
      headers: { ...req.headers },
      body: req.body,
      rawBody: rawBodyOf(req),
      at: Date.now(),
    };
    sim.requests.push(rec);
    recOf.set(req, rec);
    const fault = sim.faults.take(req.method, path);
    if (fault?.delayMs) await new Promise((r) => setTimeout(r, fault.delayMs));
    if (fault?.drop) {
      reply.hijack();
      req.raw.socket.destroy();
      return reply;
    }
    if (fault?.dropAfter) dropAnswer.add(req);
    if (fault?.status !== undefined) {
      const body = fault.body ?? errorBody(fault.status, 'Injected fault', codeFor(fault.status));
      return sendSimError(reply, new SimError(fault.status, body, fault.headers ?? {}));
    }
    opts.authenticate?.(req, sim);
    if (limiter && !opts.rateLimit?.exempt?.(req)) {
      const usage = limiter.hit(opts.rateLimit?.key?.(req) ?? 'all');
      usageOf.set(req, usage);
      if (usage.some((u) => u.exceeded)) {
        const retry = String(Math.ceil(Math.max(...usage.filter((u) => u.exceeded).map((u) => u.resetMs)) / 1000));
        throw opts.rateLimit?.onLimited?.(usage, req) ?? sim.error(429, 'Rate limit exceeded', 'RATE_LIMIT', { 'retry-after': retry });
      }
    }
    if (opts.specs?.length) checkSpec(sim, opts, req, path, rec);
  });

  app.addHook('onSend', async (req, reply, payload) => {
    // The handler has run and its writes stand; the socket goes before a byte of the answer does.
    if (dropAnswer.has(req)) req.raw.socket.destroy();
    if (opts.headers && !pathOf(req).startsWith('/__sim/')) reply.headers(opts.headers(req, usageOf.get(req)));
    return payload;
  });
  app.addHook('onResponse', async (req, reply) => {
    const rec = recOf.get(req);
    // A lost answer was never received: record it like a drop, without a status.
    if (rec && !dropAnswer.has(req)) rec.status = reply.statusCode;
  });

  registerAdminRoutes(sim);
  await opts.setup?.(sim);
  await app.listen({ host: '127.0.0.1', port: opts.port ?? 0 });
  const addr = app.server.address();
  port = typeof addr === 'object' && addr ? addr.port : 0;
  return sim;
}

function checkSpec(sim: Simulator, opts: SimulatorOptions, req: FastifyRequest, path: string, rec: RecordedRequest): void {
  const exempt = (opts.specExempt ?? []).some((e) => (typeof e === 'string' ? e === path : e.test(path)));
  if (exempt) return;
  const checked: CheckedRequest = {
    method: req.method,
    path: opts.specPath ? opts.specPath(path) : path,
    query: rec.query,
    headers: rec.headers,
    body: rec.body,
    contentType: req.headers['content-type'],
  };
  const result = checkAgainst(opts.specs ?? [], checked);
  const problems = result.matched ? result.problems : [`${req.method} ${path}: no such operation in the vendor's spec`];
  if (problems.length === 0) return;
  sim.violations.push({ method: req.method, path, template: result.template, problems, at: Date.now() });
  if (opts.rejectViolations !== false)
    throw sim.error(400, `Request does not match the API contract: ${problems.join('; ')}`, 'VALIDATION_ERROR');
}

function sendSimError(reply: FastifyReply, e: SimError): FastifyReply {
  reply.code(e.status).headers(e.headers);
  return typeof e.body === 'string' ? reply.type('text/plain').send(e.body) : reply.send(e.body);
}

/** The request path without its query string. */
export function pathOf(req: FastifyRequest): string {
  const i = req.url.indexOf('?');
  return i < 0 ? req.url : req.url.slice(0, i);
}

function rawBodyOf(req: FastifyRequest): string | undefined {
  return (req as unknown as { rawBody?: string }).rawBody;
}

function codeFor(status: number): string {
  return (
    { 400: 'BAD_REQUEST', 401: 'UNAUTHORIZED', 403: 'FORBIDDEN', 404: 'NOT_FOUND', 409: 'CONFLICT', 429: 'RATE_LIMIT', 503: 'UNAVAILABLE' }[
      status
    ] ?? 'ERROR'
  );
}
