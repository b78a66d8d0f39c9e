import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { listAgentCalls, listAgents, type JobStatus } from '@hub/core';
import { AgentParams, IsoTime, StringEnum, errors } from './schemas.js';

const JOB_STATUSES = ['queued', 'running', 'succeeded', 'failed', 'skipped'] as const satisfies readonly JobStatus[];
const JobStatusSchema = StringEnum(JOB_STATUSES, 'a sync job status');

const CallsQuery = Type.Object(
  {
    status: Type.Optional(StringEnum(JOB_STATUSES, 'only calls with an integration in this status')),
    integration_id: Type.Optional(
      Type.String({ minLength: 1, maxLength: 200, description: 'only calls synced (or skipped) to this integration' }),
    ),
    since: Type.Optional({ ...IsoTime, description: 'received at or after (ISO 8601)' }),
    until: Type.Optional({ ...IsoTime, description: 'received before (ISO 8601)' }),
    limit: Type.Optional(Type.String({ pattern: '^(?:[1-9]\\d?|1\\d\\d|200)$', description: '1 to 200, default 50' })),
    before: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'the next_before of the previous page' })),
  },
  { additionalProperties: false },
);

const CallRow = Type.Object({
  call_id: Type.String(),
  received_at: Type.String({ format: 'date-time' }),
  started_at: Type.Union([Type.String(), Type.Null()]),
  customer_name: Type.Union([Type.String(), Type.Null()]),
  customer_phone: Type.Union([Type.String(), Type.Null()]),
  call_outcome: Type.Union([Type.String(), Type.Null()]),
  integrations: Type.Array(
    Type.Object({
      integration_id: Type.String(),
      type: Type.String(),
      job_id: Type.String(),
      status: JobStatusSchema,
      dead_lettered: Type.Optional(Type.Boolean()),
    }),
    { description: 'one sync job per integration the call went to (skipped ones included); the job timeline is GET …/calls/:callId' },
  ),
});

/** The console's lists: the tenant's agents, and an agent's calls with their sync status. */
export const agentRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/api/agents',
    {
      schema: {
        tags: ['calls'],
        summary: 'List agents',
        description:
          'Every agent of the tenant that has an integration or a call: how many integrations it has and when its latest call arrived. The most recently called first.',
        response: {
          200: Type.Object({
            agents: Type.Array(
              Type.Object({
                agent_id: Type.String(),
                integrations: Type.Integer(),
                last_call_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
              }),
            ),
          }),
          ...errors(401),
        },
      },
    },
    async (req) => ({ agents: await listAgents(app.hub, req.tenantId) }),
  );

  app.get(
    '/api/agents/:agentId/calls',
    {
      schema: {
        tags: ['calls'],
        summary: "List an agent's calls",
        description:
          "The agent's calls, newest first (by when the hub received them), each with the status of its sync to every integration. Filters narrow by job status, integration and time; pass `next_before` as `before` for the next page.",
        params: AgentParams,
        querystring: CallsQuery,
        response: {
          200: Type.Object({
            calls: Type.Array(CallRow),
            next_before: Type.Union([Type.String(), Type.Null()], { description: 'null on the last page' }),
          }),
          ...errors(400, 401),
        },
      },
    },
    async (req) => {
      const q = req.query;
      return listAgentCalls(app.hub, req.tenantId, req.params.agentId, {
        status: q.status,
        integrationId: q.integration_id,
        since: q.since,
        until: q.until,
        before: q.before,
        limit: q.limit ? Number(q.limit) : 50,
      });
    },
  );
};
