import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { CallDataSchema, callStatus, ingestCall, syncStats, type CallData } from '@hub/core';
import { AgentParams, IsoTime, errors } from './schemas.js';
import { CallStatusAnswer, IngestAnswer, RetriedJob, SyncLogsAnswer, SyncStatsAnswer } from './responses.js';

/** The one sync endpoint, call status, sync logs, retries and stats. */
export const callRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/api/agents/:agentId/calls',
    {
      schema: {
        tags: ['calls'],
        summary: 'Sync a finished call',
        description:
          "The one sync endpoint: the platform posts each finished call (the original spec's CallData plus free custom fields). Stored once per call_id, checked against each integration's sync conditions, and one job queued per match; answers at once with the job ids.",
        params: AgentParams,
        body: CallDataSchema,
        response: { 202: IngestAnswer, ...errors(400, 401, 413) },
      },
    },
    async (req, reply) => {
      const result = await ingestCall(app.hub, req.tenantId, req.params.agentId, req.body as CallData);
      return reply.status(202).send(result);
    },
  );

  app.get(
    '/api/agents/:agentId/calls/:callId',
    {
      schema: {
        tags: ['calls'],
        summary: "A call's sync status",
        description:
          'Where the call stands with each integration: job status, attempts, the next attempt, the last error and every step with the CRM ids it produced. With `include=data`, also the call as stored (its CallData, normalised), e.g. to dry-run mappings over it.',
        params: Type.Object({ agentId: AgentParams.properties.agentId, callId: Type.String({ minLength: 1, maxLength: 200 }) }),
        querystring: Type.Object(
          { include: Type.Optional(Type.Literal('data', { description: '`data`: add the stored call (CallData) as `data`' })) },
          { additionalProperties: false },
        ),
        response: { 200: CallStatusAnswer, ...errors(400, 401, 404) },
      },
    },
    async (req) => callStatus(app.hub, req.tenantId, req.params.agentId, req.params.callId, req.query.include === 'data'),
  );

  app.get(
    '/api/agents/:agentId/sync-logs',
    {
      schema: {
        tags: ['sync'],
        summary: 'Sync logs',
        description:
          'Every attempt at every step, newest first: status, duration, CRM ids, the normalised error and the redacted requests (never a secret).',
        response: { 200: SyncLogsAnswer, ...errors(400, 401) },
        params: AgentParams,
        querystring: Type.Object(
          {
            status: Type.Optional(Type.Union([Type.Literal('success'), Type.Literal('failed'), Type.Literal('skipped')])),
            integration_id: Type.Optional(Type.String({ minLength: 1 })),
            since: Type.Optional(IsoTime),
            limit: Type.Optional(Type.String({ pattern: '^(?:[1-9]\\d{0,2}|1000)$', description: '1 to 1000, default 100' })),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (req) => {
      const q = req.query;
      const logs = await app.hub.repos.syncLogs.list({
        tenantId: req.tenantId,
        agentId: req.params.agentId,
        status: q.status,
        integrationId: q.integration_id,
        since: q.since,
        limit: q.limit ? Number(q.limit) : undefined,
      });
      return { logs: logs.map(({ _id, tenantId: _t, ...rest }) => ({ id: _id, ...rest })) };
    },
  );

  app.post(
    '/api/agents/:agentId/sync-jobs/:jobId/retry',
    {
      schema: {
        tags: ['sync'],
        summary: 'Retry a failed job',
        description:
          'Puts one failed (dead-lettered) sync job back in the queue; its finished steps stay finished, so nothing is written twice. 409 when the job is not failed.',
        params: Type.Object({ agentId: AgentParams.properties.agentId, jobId: Type.String({ minLength: 1 }) }),
        response: { 202: RetriedJob, ...errors(400, 401, 404, 409) },
      },
    },
    async (req, reply) => {
      const job = await app.hub.queue.retry(req.tenantId, req.params.agentId, req.params.jobId);
      return reply.status(202).send({ id: job._id, integration_id: job.integrationId, type: job.type, status: job.status });
    },
  );

  app.get(
    '/api/stats/sync',
    {
      schema: {
        tags: ['stats'],
        summary: 'Sync stats by integration type',
        description:
          "The original spec's sync stats by integration type for the tenant: agents connected, syncs, successes, failures and the success rate, optionally since a time.",
        querystring: Type.Object({ since: Type.Optional(IsoTime) }, { additionalProperties: false }),
        response: { 200: SyncStatsAnswer, ...errors(400, 401) },
      },
    },
    async (req) => ({ since: req.query.since ?? null, types: await syncStats(app.hub, req.tenantId, req.query.since) }),
  );
};
