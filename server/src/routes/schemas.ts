import { Type } from '@sinclair/typebox';
import { SyncConditionsSchema } from '@hub/core';

/** `:agentId` as the platform names agents. */
export const AgentParams = Type.Object({ agentId: Type.String({ minLength: 1, maxLength: 200, pattern: '^[A-Za-z0-9_.:-]+$' }) }, { additionalProperties: false });
/** `:agentId/…/:integrationId`. */
export const IntegrationParams = Type.Object({ agentId: AgentParams.properties.agentId, integrationId: Type.String({ minLength: 1, maxLength: 200 }) }, { additionalProperties: false });

const Mappings = Type.Record(Type.String({ pattern: '^[a-zA-Z][a-zA-Z0-9_]*$' }), Type.String({ minLength: 1, maxLength: 20000 }), { description: 'JSONata per mapping name, replacing the connector default' });
const FieldMappings = Type.Record(Type.String({ minLength: 1 }), Type.String({ minLength: 1 }), { description: 'simple form {ourField: theirField}' });

/** POST …/integrations/connect: the original spec's body; credential fields (api_key, webhook_url, …) sit at the top level or in auth_data. */
export const ConnectBody = Type.Object(
  {
    type: Type.String({ minLength: 1, pattern: '^[a-z0-9-]+$' }),
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    auth_data: Type.Optional(Type.Record(Type.String(), Type.String())),
    config: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
    field_mappings: Type.Optional(FieldMappings),
    mappings: Type.Optional(Mappings),
    sync_conditions: Type.Optional(SyncConditionsSchema),
  },
  { additionalProperties: Type.String() },
);

/** PUT …/integrations/:id. */
export const UpdateBody = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    auth_data: Type.Optional(Type.Record(Type.String(), Type.String())),
    config: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
    field_mappings: Type.Optional(FieldMappings),
    mappings: Type.Optional(Mappings),
    sync_conditions: Type.Optional(Type.Union([SyncConditionsSchema, Type.Null()])),
    status: Type.Optional(Type.Union([Type.Literal('connected'), Type.Literal('disabled')])),
  },
  { additionalProperties: Type.String() },
);

/** An ISO timestamp in a query string. */
export const IsoTime = Type.String({ format: 'date-time' });
