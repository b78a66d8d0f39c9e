import { Type } from '@sinclair/typebox';
import { SyncConditionsSchema } from '@hub/core';

/** `:agentId` as the platform names agents. */
export const AgentParams = Type.Object(
  { agentId: Type.String({ minLength: 1, maxLength: 200, pattern: '^[A-Za-z0-9_.:-]+$' }) },
  { additionalProperties: false },
);
/** `:agentId/…/:integrationId`. */
export const IntegrationParams = Type.Object(
  { agentId: AgentParams.properties.agentId, integrationId: Type.String({ minLength: 1, maxLength: 200 }) },
  { additionalProperties: false },
);

const Mappings = Type.Record(Type.String({ pattern: '^[a-zA-Z][a-zA-Z0-9_]*$' }), Type.String({ minLength: 1, maxLength: 20000 }), {
  description: 'JSONata per mapping name, replacing the connector default',
});
const FieldMappings = Type.Record(Type.String({ minLength: 1 }), Type.String({ minLength: 1 }), {
  description: 'simple form {ourField: theirField}',
});

/** Write modes of contact fields, validated again in core (so every caller gets the same 400). */
export const FieldModes = Type.Record(Type.String({ minLength: 1 }), Type.String({ enum: ['overwrite', 'fill_if_empty', 'append'] }), {
  description:
    "per contact field (a key of the contact mapping's output, as the mapping dry run shows it): how it is written onto a contact the CRM already has. overwrite (default): the call's value replaces the CRM's; fill_if_empty: written only where the CRM's is empty; append: added after the CRM's text on a new line, never twice",
});

/** POST …/integrations/connect: the original spec's body; credential fields (api_key, webhook_url, …) sit at the top level or in auth_data. */
export const ConnectBody = Type.Object(
  {
    type: Type.String({ minLength: 1, pattern: '^[a-z0-9-]+$' }),
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    auth_data: Type.Optional(Type.Record(Type.String(), Type.String())),
    config: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
    field_mappings: Type.Optional(FieldMappings),
    field_modes: Type.Optional(FieldModes),
    mappings: Type.Optional(Mappings),
    sync_conditions: Type.Optional(SyncConditionsSchema),
    test: Type.Optional(
      Type.Boolean({ description: "false skips a webhook connector's test event at connect (CRMs always check the credentials)" }),
    ),
  },
  { additionalProperties: Type.String() },
);

/** PUT …/integrations/:id. */
export const UpdateBody = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    auth_data: Type.Optional(Type.Record(Type.String(), Type.String())),
    config: Type.Optional(
      Type.Record(Type.String(), Type.Unknown(), {
        description:
          'merged into the stored config (a JSON merge patch at the top level): given options replace stored ones, an option set to null is removed (its default applies again), options not named stay; the result is validated as a whole',
      }),
    ),
    field_mappings: Type.Optional(FieldMappings),
    field_modes: Type.Optional(FieldModes),
    mappings: Type.Optional(Mappings),
    sync_conditions: Type.Optional(Type.Union([SyncConditionsSchema, Type.Null()])),
    status: Type.Optional(Type.Union([Type.Literal('connected'), Type.Literal('disabled')])),
    test: Type.Optional(Type.Boolean({ description: "false skips a webhook connector's test event when its URL changes" })),
  },
  { additionalProperties: Type.String() },
);

/** An ISO timestamp in a query string. */
export const IsoTime = Type.String({ format: 'date-time' });

/** The one error shape every 4xx and 5xx answer has (plugins/errors.ts). */
export const ErrorBody = Type.Object(
  {
    statusCode: Type.Integer(),
    code: Type.String({ description: 'HUB_ERR_*' }),
    error: Type.String({ description: 'the HTTP status name' }),
    message: Type.String(),
    field: Type.Optional(Type.String({ description: 'the request field at fault, e.g. body.config.location_id or querystring.days' })),
    problems: Type.Optional(Type.Array(Type.Object({ field: Type.String(), message: Type.String() }, { additionalProperties: true }))),
  },
  { additionalProperties: true, description: 'an error: what went wrong and, for bad input, which field' },
);

/** The error answers a route can give, by status: `...errors(400, 404)`. */
export function errors(...statuses: number[]): Record<number, typeof ErrorBody> {
  return Object.fromEntries(statuses.map((s) => [s, ErrorBody]));
}

/** An object whose fields are open-ended (connector-defined outputs, configs): serialized as given. */
export const OpenObject = (description?: string) =>
  Type.Object({}, { additionalProperties: true, ...(description ? { description } : {}) });

/** A 204 answer. */
export const NoContent = Type.Unsafe<void>({ type: 'null', description: 'no content' });

/** A string enum as JSON Schema `enum` (not anyOf of consts), so a bad value is told the allowed ones. */
export function StringEnum<T extends string>(values: readonly T[], description?: string) {
  return Type.Unsafe<T>({ type: 'string', enum: [...values], ...(description ? { description } : {}) });
}
