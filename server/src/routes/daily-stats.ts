import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { dailyStats } from '@hub/core';
import { AgentParams, StringEnum, errors } from './schemas.js';

const DaysQuery = Type.Object(
  { days: Type.Optional(StringEnum(['7', '30'] as const, 'how many UTC days, today included; default 7')) },
  { additionalProperties: false },
);
const DailyAnswer = Type.Object({
  days: Type.Integer(),
  from: Type.String({ description: 'first day, YYYY-MM-DD (UTC)' }),
  to: Type.String({ description: 'last day (today), YYYY-MM-DD (UTC)' }),
  buckets: Type.Array(
    Type.Object({
      date: Type.String({ description: 'YYYY-MM-DD (UTC)' }),
      type: Type.String({ description: 'integration type' }),
      total: Type.Integer(),
      succeeded: Type.Integer(),
      failed: Type.Integer(),
    }),
    { description: 'one per day and integration type, zeros included; a sync counts on the day it finished' },
  ),
});

/** Finished syncs per UTC day and integration type, for a chart of volume and success rate. */
export const dailyStatsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/api/agents/:agentId/stats/daily',
    {
      schema: {
        tags: ['stats'],
        summary: "An agent's daily sync stats",
        description: "The agent's succeeded and failed syncs per UTC day and integration type over the last 7 or 30 days.",
        params: AgentParams,
        querystring: DaysQuery,
        response: { 200: DailyAnswer, ...errors(400, 401) },
      },
    },
    async (req) => dailyStats(app.hub, req.tenantId, Number(req.query.days ?? 7), req.params.agentId),
  );

  app.get(
    '/api/stats/daily',
    {
      schema: {
        tags: ['stats'],
        summary: 'Daily sync stats',
        description:
          "The tenant's succeeded and failed syncs, all agents together, per UTC day and integration type over the last 7 or 30 days.",
        querystring: DaysQuery,
        response: { 200: DailyAnswer, ...errors(400, 401) },
      },
    },
    async (req) => dailyStats(app.hub, req.tenantId, Number(req.query.days ?? 7)),
  );
};
