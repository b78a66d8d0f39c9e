import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { CallDataSchema, listFields, previewMappings, resolveIntegration, type CallData } from '@hub/core';
import { AgentParams } from './schemas.js';

const Params = Type.Object({ agentId: AgentParams.properties.agentId, integrationId: Type.String({ minLength: 1, maxLength: 200, description: 'an integration id or a type' }) }, { additionalProperties: false });
const PreviewBody = Type.Object(
  {
    call: Type.Optional(CallDataSchema),
    mappings: Type.Optional(Type.Record(Type.String({ pattern: '^[a-zA-Z][a-zA-Z0-9_]*$' }), Type.String({ minLength: 1, maxLength: 20000 }))),
    field_mappings: Type.Optional(Type.Record(Type.String({ minLength: 1 }), Type.String({ minLength: 1 }))),
    check_fields: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

/** For tenants editing mappings: the CRM's own fields, and a dry run of every mapping over a call. */
export const mappingRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/api/agents/:agentId/integrations/:integrationId/fields', { schema: { params: Params } }, async (req) => {
    const doc = await resolveIntegration(app.hub, req.tenantId, req.params.agentId, req.params.integrationId);
    return listFields(app.hub, doc);
  });

  app.post('/api/agents/:agentId/integrations/:integrationId/mappings/preview', { schema: { params: Params, body: PreviewBody } }, async (req) => {
    const doc = await resolveIntegration(app.hub, req.tenantId, req.params.agentId, req.params.integrationId);
    return previewMappings(app.hub, doc, { ...req.body, call: req.body.call as CallData | undefined });
  });
};
