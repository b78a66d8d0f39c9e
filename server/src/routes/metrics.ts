import { timingSafeEqual, createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { addMetricsSink, type HubServices, type JobStatus } from '@hub/core';
import { ErrorBody } from './schemas.js';

const STATES: JobStatus[] = ['queued', 'running', 'succeeded', 'failed', 'skipped'];

/** The hub's Prometheus registry: engine counters fed by the core's metrics sink, queue gauges read at scrape time. */
export function hubRegistry(hub: HubServices): { registry: Registry; detach: () => void } {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'hub_' });
  const calls = new Counter({
    name: 'hub_calls_ingested_total',
    help: 'Calls stored for the first time, by source (live POST or bulk import)',
    labelNames: ['source'],
    registers: [registry],
  });
  const steps = new Histogram({
    name: 'hub_step_duration_seconds',
    help: 'Duration of each sync step attempt, by connector, step and outcome',
    labelNames: ['connector', 'step', 'outcome'],
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  const answers = new Counter({
    name: 'hub_crm_responses_total',
    help: 'CRM answers by connector and status class (network: no answer)',
    labelNames: ['connector', 'status_class'],
    registers: [registry],
  });
  const refreshes = new Counter({
    name: 'hub_token_refreshes_total',
    help: 'OAuth token refreshes by connector and outcome',
    labelNames: ['connector', 'outcome'],
    registers: [registry],
  });
  const dead = new Counter({
    name: 'hub_dead_letters_total',
    help: 'Jobs dead-lettered after their last attempt, by job type (connector, or outbound kind)',
    labelNames: ['type'],
    registers: [registry],
  });
  new Gauge({
    name: 'hub_jobs',
    help: 'Sync jobs in the store by state',
    labelNames: ['state'],
    registers: [registry],
    async collect() {
      const counts = await Promise.all(STATES.map((status) => hub.queue.col.countDocuments({ status })));
      STATES.forEach((s, i) => this.set({ state: s }, counts[i]));
    },
  });
  new Gauge({
    name: 'hub_oldest_queued_job_age_seconds',
    help: 'How long the longest-waiting due sync job has waited (0 when none)',
    registers: [registry],
    async collect() {
      const now = Date.now();
      const [oldest] = await hub.queue.col
        .find({ status: 'queued', runAt: { $lte: now } }, { sort: { runAt: 1 }, limit: 1, projection: { runAt: 1 } })
        .toArray();
      this.set(oldest ? Math.max(0, (now - oldest.runAt) / 1000) : 0);
    },
  });
  const detach = addMetricsSink({
    callIngested: (source) => calls.inc({ source }),
    stepFinished: (connector, step, outcome, seconds) => steps.observe({ connector, step, outcome }, seconds),
    crmAnswer: (connector, status_class) => answers.inc({ connector, status_class }),
    tokenRefresh: (connector, outcome) => refreshes.inc({ connector, outcome }),
    deadLettered: (type) => dead.inc({ type }),
  });
  return { registry, detach };
}

const digest = (s: string) => createHash('sha256').update(s).digest();

/** GET /metrics in Prometheus text; with a token, only for `Authorization: Bearer <token>`. */
export async function metricsRoutes(app: FastifyInstance, opts: { token?: string }): Promise<void> {
  const { registry, detach } = hubRegistry(app.hub);
  app.addHook('onClose', async () => detach());
  const schema = {
    tags: ['meta'],
    summary: 'Prometheus metrics',
    description:
      'Calls ingested, sync jobs by state and the oldest due job, step latency, CRM answers by status class, token refreshes, dead letters and process metrics, in Prometheus text. With HUB_METRICS_TOKEN set it needs that token as a bearer.',
    security: opts.token ? [{ metricsToken: [] }] : [],
    response: { 200: { type: 'string', description: 'Prometheus text exposition format' }, 401: ErrorBody },
  };
  app.get('/metrics', { schema }, async (req, reply) => {
    if (opts.token) {
      const given = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1] ?? '';
      // Compare digests so the comparison takes the same time whatever the length.
      if (!timingSafeEqual(digest(given), digest(opts.token))) {
        return reply.status(401).send({
          statusCode: 401,
          code: 'HUB_ERR_UNAUTHORIZED',
          error: 'Unauthorized',
          message: 'send the metrics token as "Authorization: Bearer <HUB_METRICS_TOKEN>"',
          field: 'headers.authorization',
        });
      }
    }
    reply.header('content-type', registry.contentType);
    return registry.metrics();
  });
}
