import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { CallDataSchema, listFields, previewMappings, resolveIntegration, type CallData } from '@hub/core';
import { AgentParams, errors } from './schemas.js';
import { ConnectorAnswer } from './responses.js';

const Params = Type.Object(
  {
    agentId: AgentParams.properties.agentId,
    integrationId: Type.String({ minLength: 1, maxLength: 200, description: 'an integration id or a type' }),
  },
  { additionalProperties: false },
);
const PreviewBody = Type.Object(
  {
    call: Type.Optional(CallDataSchema),
    mappings: Type.Optional(
      Type.Record(Type.String({ pattern: '^[a-zA-Z][a-zA-Z0-9_]*$' }), Type.String({ minLength: 1, maxLength: 20000 })),
    ),
    field_mappings: Type.Optional(Type.Record(Type.String({ minLength: 1 }), Type.String({ minLength: 1 }))),
    check_fields: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

/** For tenants editing mappings: the CRM's own fields, and a dry run of every mapping over a call. */
export const mappingRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/api/agents/:agentId/integrations/:integrationId/fields',
    {
      schema: {
        tags: ['mappings'],
        summary: "The CRM's fields",
        description:
          "The CRM's own field list (the connector's listFields), to write field mappings against. 409 while the integration is not connected.",
        params: Params,
        response: {
          200: ConnectorAnswer(
            { fields: Type.Array(Type.Unknown(), { description: 'as the CRM describes them (name, label, type…)' }) },
            "the CRM's fields",
          ),
          ...errors(400, 401, 404, 409, 502),
        },
      },
    },
    async (req) => {
      const doc = await resolveIntegration(app.hub, req.tenantId, req.params.agentId, req.params.integrationId);
      return listFields(app.hub, doc);
    },
  );

  app.post(
    '/api/agents/:agentId/integrations/:integrationId/mappings/preview',
    {
      schema: {
        tags: ['mappings'],
        summary: 'Dry-run mappings',
        description:
          "Evaluates every step's mapping over a call (the given one or a sample) with proposed mappings in place of the saved ones: what each step would send to the CRM, per-step errors, and with check_fields the field_mappings targets the CRM does not have. Nothing is sent or saved.",
        params: Params,
        body: PreviewBody,
        response: {
          200: ConnectorAnswer(
            {
              call: Type.Object({}, { additionalProperties: true }),
              steps: Type.Record(Type.String(), Type.Unknown(), { description: 'per step: {input} (what would be sent) or {skipped}' }),
              errors: Type.Record(Type.String(), Type.String(), { description: 'per step: why its mapping failed' }),
              unknown_fields: Type.Optional(Type.Array(Type.String())),
            },
            'a dry run of the mappings',
          ),
          ...errors(400, 401, 404, 409, 502),
        },
      },
    },
    async (req) => {
      const doc = await resolveIntegration(app.hub, req.tenantId, req.params.agentId, req.params.integrationId);
      return previewMappings(app.hub, doc, { ...req.body, call: req.body.call as CallData | undefined });
    },
  );
};
