import { readFileSync } from 'node:fs';
import fp from 'fastify-plugin';
import type { FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { Type } from '@sinclair/typebox';

/** The security schemes routes name in `schema.security`; API routes default to the tenant key. */
export const SECURITY_SCHEMES = {
  tenantKey: {
    type: 'http',
    scheme: 'bearer',
    description: 'The tenant API key: `Authorization: Bearer hub_sk_…`. Every /api route needs it unless it names another scheme.',
  },
  adminKey: { type: 'http', scheme: 'bearer', description: '`HUB_ADMIN_KEY`, only for /admin routes (registered only when it is set).' },
  webhookSecret: {
    type: 'apiKey',
    in: 'header',
    name: 'X-Webhook-Secret',
    description: "A trigger webhook's secret (shown once when the webhook is made), checked in constant time.",
  },
  retellSignature: {
    type: 'apiKey',
    in: 'header',
    name: 'x-retell-signature',
    description:
      '`v=<ms>,d=<hex HMAC-SHA256(Retell API key, raw body + timestamp)>`, checked on the raw body, refused when more than five minutes off.',
  },
  metricsToken: { type: 'http', scheme: 'bearer', description: '`HUB_METRICS_TOKEN`, for GET /metrics when it is set.' },
  oauthState: {
    type: 'apiKey',
    in: 'query',
    name: 'state',
    description: 'The single-use OAuth state the provider hands back (10 minutes, bound to tenant, agent and connector).',
  },
} as const;

/** Routes that carry no credential at all. */
export const NO_AUTH: Array<Record<string, string[]>> = [];

const TAGS = [
  { name: 'meta', description: 'Health and the connector catalogue' },
  { name: 'integrations', description: 'Connect CRMs to an agent, change, test and disconnect them' },
  { name: 'mappings', description: "The CRM's fields and dry runs of field mappings" },
  { name: 'calls', description: 'Agents, the sync endpoint and calls with their sync status' },
  { name: 'sync', description: 'Sync logs and retries' },
  { name: 'stats', description: 'Sync figures' },
  { name: 'scheduling', description: 'Availability and booking' },
  { name: 'oauth', description: 'OAuth provider callbacks' },
  { name: 'outbound', description: 'Trigger webhooks and outbound calls' },
  { name: 'voice', description: "The voice provider's webhooks (Retell)" },
  { name: 'admin', description: 'Platform administration (HUB_ADMIN_KEY)' },
  { name: 'docs', description: 'This description' },
];

/**
 * OpenAPI 3.1 from the route schemas (@fastify/swagger collects every route registered after it),
 * served at `GET /openapi.json`, and Swagger UI at `/docs` from the package's own files (no CDN).
 * Register it before the routes.
 */
export const openapiPlugin = fp(
  async (app: FastifyInstance) => {
    await app.register(swagger, {
      openapi: {
        openapi: '3.1.0',
        info: {
          title: 'Voice CRM hub',
          version: VERSION,
          description:
            "After every call a voice agent handles, the hub writes it to the CRMs the agent's owner connected, and lets CRMs trigger outbound calls. Errors always have the shape `{statusCode, code, error, message, field}`; `field` names the request field at fault (e.g. `body.config.location_id`).",
        },
        components: { securitySchemes: SECURITY_SCHEMES },
        security: [{ tenantKey: [] }],
        tags: TAGS,
      },
    });
    await app.register(swaggerUi, { routePrefix: '/docs', uiConfig: { deepLinking: true, defaultModelsExpandDepth: 0 }, staticCSP: false });
    app.get(
      '/openapi.json',
      {
        schema: {
          tags: ['docs'],
          summary: 'OpenAPI description',
          description: 'This API as an OpenAPI 3.1 document, generated from the route schemas. Browsable at /docs.',
          security: NO_AUTH,
          response: { 200: Type.Object({ openapi: Type.String() }, { additionalProperties: true }) },
        },
      },
      async () => app.swagger(),
    );
  },
  { name: 'hub-openapi' },
);

const VERSION = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
