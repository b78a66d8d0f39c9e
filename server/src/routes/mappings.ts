import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { CallDataSchema, listFields, previewMappings, resolveIntegration, type CallData } from '@hub/core';
import { AgentParams, FieldModes, errors } from './schemas.js';
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
    field_modes: Type.Optional(FieldModes),
    check_fields: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

const PreviewRequestSchema = Type.Object(
  {
    method: Type.String(),
    url: Type.String({ description: "the full URL with its query; a tenant's own URL (a catch hook) shows only scheme and host" }),
    headers: Type.Record(Type.String(), Type.String(), { description: 'as sent, names lower-cased; credentials show as [redacted]' }),
    body: Type.Optional(Type.Unknown({ description: 'the JSON (or form) body, secrets as [redacted]' })),
    answered: Type.Union([Type.Literal('not found'), Type.Object({ id: Type.String() })], {
      description: 'what the dry run answered in place of the CRM: a lookup finds nothing, a write makes a placeholder id',
    }),
  },
  { description: 'one request the step would send' },
);

const StepPreviewSchema = Type.Object({
  status: Type.Union([Type.Literal('would_send'), Type.Literal('skipped'), Type.Literal('failed')]),
  skipped: Type.Optional(Type.String({ description: 'why the step would not run' })),
  error: Type.Optional(Type.String({ description: 'why the step would fail' })),
  input: Type.Optional(Type.Unknown({ description: "what the step's mapping made of the call (null: the step has no mapping)" })),
  requests: Type.Array(PreviewRequestSchema, { description: 'the exact requests, in order' }),
  output: Type.Optional(Type.Unknown({ description: 'what later steps see from this one (placeholder ids)' })),
  unknown_fields: Type.Optional(Type.Array(Type.String(), { description: 'CRM field names this step writes that the CRM does not have' })),
  modes: Type.Optional(
    Type.Record(Type.String(), Type.String({ enum: ['overwrite', 'fill_if_empty', 'append'] }), {
      description: 'the contact step: how each field is written onto a contact the CRM already has (field_modes)',
    }),
  ),
});

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
          "Runs the connector's sync steps over a call (the given one or a sample) with proposed mappings in place of the saved ones, against a recorder instead of the CRM: per step, the exact requests a sync would send (method, URL, headers and body; credentials never shown), what its mapping made, or why it would be skipped or fail. The recorder answers every lookup 'not found' and every write with a placeholder id, so later steps render as they would after a new contact. With check_fields, the field_mappings targets the CRM does not have (read from the CRM's field list). Nothing is sent to the CRM or saved.",
        params: Params,
        body: PreviewBody,
        response: {
          200: ConnectorAnswer(
            {
              call: Type.Object(
                {},
                { additionalProperties: true, description: 'the call the dry run used (the given one, normalised, or a sample)' },
              ),
              steps: Type.Record(Type.String(), StepPreviewSchema, { description: "per step of the connector's sync plan, in order" }),
              errors: Type.Record(Type.String(), Type.String(), { description: 'per failed step: why (the same as its error)' }),
              unknown_fields: Type.Optional(
                Type.Array(Type.String(), { description: 'with check_fields: field_mappings targets the CRM does not have' }),
              ),
              fields_unchecked: Type.Optional(
                Type.String({ description: "with check_fields: why the CRM's field list could not be read" }),
              ),
            },
            'a dry run of the sync: the exact requests each step would send',
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
