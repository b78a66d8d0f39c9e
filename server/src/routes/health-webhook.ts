import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { assertPublicUrl, setHealthWebhook } from '@hub/core';

/**
 * The tenant's health webhook: where the hub posts `integration.failing`, `integration.needs_reauth`
 * and `integration.recovered`, signed like outbound callbacks. Its URL may carry a secret path, so
 * answers show only the origin.
 */
export const healthWebhookRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.put(
    '/api/health-webhook',
    { schema: { body: Type.Object({ url: Type.String({ minLength: 1, maxLength: 2000 }) }, { additionalProperties: false }) } },
    async (req) => {
      const url = await assertPublicUrl(req.body.url, 'url', app.hub.settings.allowPrivateUrls, app.hub.settings.resolveHost);
      const secret = await setHealthWebhook(app.hub, req.tenantId, req.body.url);
      return { configured: true, url_origin: url.origin, signing_secret: secret };
    },
  );

  app.get('/api/health-webhook', async (req) => {
    const tenant = await app.hub.repos.tenants.col.findOne({ _id: req.tenantId });
    const wh = tenant?.healthWebhook;
    if (!wh) return { configured: false };
    return { configured: true, url_origin: new URL(app.hub.keyring.open<string>(wh.url)).origin, created_at: wh.createdAt };
  });

  app.delete('/api/health-webhook', async (req, reply) => {
    await app.hub.repos.tenants.col.updateOne({ _id: req.tenantId }, { $unset: { healthWebhook: '' } });
    return reply.status(204).send();
  });
};
