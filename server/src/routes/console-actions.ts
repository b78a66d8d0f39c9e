import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { SyncConditionsSchema, previewConditions, retryDeadJobs, PREVIEW_CALLS } from '@hub/core';
import { IntegrationParams, errors } from './schemas.js';

const PreviewBody = Type.Object(
  {
    sync_conditions: Type.Optional(
      Type.Union([SyncConditionsSchema, Type.Null()], {
        description: "conditions to try, as the integration's config takes them; absent: the saved ones; null: none",
      }),
    ),
  },
  { additionalProperties: false },
);

/** Sync-condition preview and retrying every dead-lettered job of an integration. */
export const consoleActionRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/api/agents/:agentId/integrations/:integrationId/conditions/preview',
    {
      schema: {
        tags: ['integrations'],
        summary: 'Preview sync conditions',
        description: `Which of the agent's last ${PREVIEW_CALLS} calls would have synced to this integration under the given sync conditions, and why (not). Nothing is saved; the same check as a real sync.`,
        params: IntegrationParams,
        body: PreviewBody,
        response: {
          200: Type.Object({
            integration_id: Type.String(),
            sync_conditions: Type.Union([SyncConditionsSchema, Type.Null()]),
            calls: Type.Array(
              Type.Object({
                call_id: Type.String(),
                received_at: Type.String(),
                started_at: Type.Union([Type.String(), Type.Null()]),
                would_sync: Type.Boolean(),
                reason: Type.String(),
              }),
            ),
          }),
          ...errors(400, 401, 404),
        },
      },
    },
    async (req) => {
      const doc = await app.hub.repos.integrations.get(req.tenantId, req.params.agentId, req.params.integrationId);
      return previewConditions(app.hub, doc, req.body.sync_conditions);
    },
  );

  app.post(
    '/api/agents/:agentId/integrations/:integrationId/retry-dead',
    {
      schema: {
        tags: ['sync'],
        summary: 'Retry dead-lettered jobs',
        description:
          'Puts every dead-lettered (failed) sync job of this integration back in the queue; finished steps stay finished, so nothing is written twice. Idempotent: a second call finds them queued and retries none.',
        params: IntegrationParams,
        response: { 202: Type.Object({ retried: Type.Integer({ minimum: 0 }) }), ...errors(401, 404) },
      },
    },
    async (req, reply) => reply.status(202).send(await retryDeadJobs(app.hub, req.tenantId, req.params.agentId, req.params.integrationId)),
  );
};
