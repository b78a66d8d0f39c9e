import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { assertPublicUrl, setHealthWebhook } from '@hub/core';
import { NoContent, errors } from './schemas.js';

const tags = ['integrations'];
const Origin = Type.String({ description: "the URL's origin only: the path may carry a secret" });

/**
 * The tenant's health webhook: where the hub posts `integration.failing`, `integration.needs_reauth`
 * and `integration.recovered`, signed like outbound callbacks. Its URL may carry a secret path, so
 * answers show only the origin.
 */
export const healthWebhookRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.put(
    '/api/health-webhook',
    {
      schema: {
        tags,
        summary: 'Set the health webhook',
        description:
          'Where the hub posts integration.failing, integration.needs_reauth and integration.recovered for every integration of the tenant, signed like outbound callbacks (X-Hub-Signature). The signing secret is in this answer only.',
        body: Type.Object(
          { url: Type.String({ minLength: 1, maxLength: 2000, description: 'https, public host' }) },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            configured: Type.Boolean(),
            url_origin: Origin,
            signing_secret: Type.String({ description: 'shown this once' }),
          }),
          ...errors(400, 401),
        },
      },
    },
    async (req) => {
      const url = await assertPublicUrl(req.body.url, 'url', app.hub.settings.allowPrivateUrls, app.hub.settings.resolveHost);
      const secret = await setHealthWebhook(app.hub, req.tenantId, req.body.url);
      return { configured: true, url_origin: url.origin, signing_secret: secret };
    },
  );

  app.get(
    '/api/health-webhook',
    {
      schema: {
        tags,
        summary: 'Read the health webhook',
        description: 'Whether a health webhook is set, its origin and when; never its path or secret.',
        response: {
          200: Type.Object({ configured: Type.Boolean(), url_origin: Type.Optional(Origin), created_at: Type.Optional(Type.String()) }),
          ...errors(401),
        },
      },
    },
    async (req) => {
      const tenant = await app.hub.repos.tenants.byId(req.tenantId);
      const wh = tenant?.healthWebhook;
      if (!wh) return { configured: false };
      return { configured: true, url_origin: new URL(app.hub.keyring.open<string>(wh.url)).origin, created_at: wh.createdAt };
    },
  );

  app.delete(
    '/api/health-webhook',
    {
      schema: {
        tags,
        summary: 'Remove the health webhook',
        description: 'Stops health notifications and forgets the URL and its signing secret.',
        response: { 204: NoContent, ...errors(401) },
      },
    },
    async (req, reply) => {
      await app.hub.repos.tenants.col.updateOne({ _id: req.tenantId }, { $unset: { healthWebhook: '' } });
      return reply.status(204).send();
    },
  );
};
