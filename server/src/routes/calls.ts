import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { CallDataSchema, callStatus, ingestCall, syncStats, type CallData } from '@hub/core';
import { AgentParams, IsoTime } from './schemas.js';

/** The one sync endpoint, call status, sync logs, retries and stats. */
export const callRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post('/api/agents/:agentId/calls', { schema: { params: AgentParams, body: CallDataSchema } }, async (req, reply) => {
    const result = await ingestCall(app.hub, req.tenantId, req.params.agentId, req.body as CallData);
    return reply.status(202).send(result);
  });

  app.get(
    '/api/agents/:agentId/calls/:callId',
    { schema: { params: Type.Object({ agentId: AgentParams.properties.agentId, callId: Type.String({ minLength: 1, maxLength: 200 }) }) } },
    async (req) => callStatus(app.hub, req.tenantId, req.params.agentId, req.params.callId),
  );

  app.get(
    '/api/agents/:agentId/sync-logs',
    {
      schema: {
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
      const logs = await app.hub.repos.syncLogs.list({ tenantId: req.tenantId, agentId: req.params.agentId, status: q.status, integrationId: q.integration_id, since: q.since, limit: q.limit ? Number(q.limit) : undefined });
      return { logs: logs.map(({ _id, tenantId: _t, ...rest }) => ({ id: _id, ...rest })) };
    },
  );

  app.post(
    '/api/agents/:agentId/sync-jobs/:jobId/retry',
    { schema: { params: Type.Object({ agentId: AgentParams.properties.agentId, jobId: Type.String({ minLength: 1 }) }) } },
    async (req, reply) => {
      const job = await app.hub.queue.retry(req.tenantId, req.params.agentId, req.params.jobId);
      return reply.status(202).send({ id: job._id, integration_id: job.integrationId, type: job.type, status: job.status });
    },
  );

  app.get('/api/stats/sync', { schema: { querystring: Type.Object({ since: Type.Optional(IsoTime) }, { additionalProperties: false }) } }, async (req) => ({
    since: req.query.since ?? null,
    types: await syncStats(app.hub, req.tenantId, req.query.since),
  }));
};
