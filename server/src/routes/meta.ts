import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';

/** Health and the connector catalogue. */
export const metaRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/health', async () => ({ status: 'ok', store: app.hub.engine.kind, connectors: app.hub.registry.list().length }));

  app.get('/api/connectors', async () => ({
    connectors: app.hub.registry.list().map(({ manifest: m }) => ({
      id: m.id,
      name: m.name,
      version: m.version,
      description: m.description ?? null,
      auth_type: m.auth.type,
      capabilities: m.capabilities,
      credentials: Object.entries(m.credentials ?? {}).map(([name, c]) => ({ name, label: c.label, description: c.description ?? null, required: c.required !== false })),
      config_schema: m.config ?? { type: 'object', properties: {} },
      mappings: Object.keys(m.mappings ?? {}),
      // The console shows each default beside the tenant's override.
      default_mappings: m.mappings ?? {},
    })),
  }));
};
