import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { NO_AUTH } from '../plugins/openapi.js';
import { errors } from './schemas.js';

const Health = Type.Object(
  {
    status: Type.String({ description: 'ok, or degraded when the store does not answer' }),
    store: Type.String({ description: 'embedded or mongodb' }),
    store_reachable: Type.Boolean(),
    connectors: Type.Integer(),
  },
  { additionalProperties: true },
);
const Connectors = Type.Object({
  connectors: Type.Array(
    Type.Object(
      {
        id: Type.String(),
        name: Type.String(),
        version: Type.String(),
        description: Type.Union([Type.String(), Type.Null()]),
        auth_type: Type.String({ description: 'api_key, bearer, basic, oauth2 or none' }),
        capabilities: Type.Array(Type.String()),
        credentials: Type.Array(
          Type.Object(
            { name: Type.String(), label: Type.String(), description: Type.Union([Type.String(), Type.Null()]), required: Type.Boolean() },
            { additionalProperties: true },
          ),
        ),
        config_schema: Type.Object({}, { additionalProperties: true, description: "JSON Schema of the connector's config" }),
        mappings: Type.Array(Type.String(), { description: 'mapping names a tenant may override' }),
        default_mappings: Type.Record(Type.String(), Type.String(), { description: "the connector's default JSONata per mapping name" }),
      },
      { additionalProperties: true },
    ),
  ),
});

/** Health and the connector catalogue. */
export const metaRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/health',
    {
      schema: {
        tags: ['meta'],
        summary: 'Health',
        description:
          'Whether the hub is up and its store answers (503 when it does not), which store engine it runs on and how many connectors it loaded. No authentication.',
        security: NO_AUTH,
        response: { 200: Health, 503: Health },
      },
    },
    // The store's reachability decides the answer: a load balancer stops sending calls to a hub that cannot store them.
    async (_request, reply) => {
      const reachable = await app.hub.engine.ping().then(
        () => true,
        () => false,
      );
      if (!reachable) reply.status(503);
      return {
        status: reachable ? 'ok' : 'degraded',
        store: app.hub.engine.kind,
        store_reachable: reachable,
        connectors: app.hub.registry.list().length,
      };
    },
  );

  app.get(
    '/api/connectors',
    {
      schema: {
        tags: ['meta'],
        summary: 'Connector catalogue',
        description:
          'Every installed connector: its auth type, capabilities, the credentials and config (JSON Schema) its connect body takes, and the mappings a tenant may override.',
        response: { 200: Connectors, ...errors(401) },
      },
    },
    async () => ({
      connectors: app.hub.registry.list().map(({ manifest: m }) => ({
        id: m.id,
        name: m.name,
        version: m.version,
        description: m.description ?? null,
        auth_type: m.auth.type,
        capabilities: m.capabilities,
        credentials: Object.entries(m.credentials ?? {}).map(([name, c]) => ({
          name,
          label: c.label,
          description: c.description ?? null,
          required: c.required !== false,
        })),
        config_schema: m.config ?? { type: 'object', properties: {} },
        mappings: Object.keys(m.mappings ?? {}),
        // The console shows each default beside the tenant's override.
        default_mappings: m.mappings ?? {},
      })),
    }),
  );
};
