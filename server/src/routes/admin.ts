import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { HubError, safeEqual } from '@hub/core';
import { errors } from './schemas.js';

/**
 * `POST /admin/tenants`: the platform creates tenants over HTTP while the hub runs (with the
 * embedded store the CLI cannot open the data folder then). Only registered when HUB_ADMIN_KEY is
 * set; the key is compared in constant time.
 */
export const adminRoutes: FastifyPluginAsyncTypebox<{ adminKey: string }> = async (app, opts) => {
  app.addHook('onRequest', async (req) => {
    const match = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
    if (!match || !safeEqual(match[1], opts.adminKey)) {
      throw new HubError('HUB_ERR_UNAUTHORIZED', 'send HUB_ADMIN_KEY as "Authorization: Bearer <key>"', { field: 'headers.authorization' });
    }
  });

  app.post(
    '/admin/tenants',
    {
      schema: {
        tags: ['admin'],
        summary: 'Create a tenant',
        description:
          'Creates a tenant and answers its API key, shown this once (stored hashed). Only when the hub runs with HUB_ADMIN_KEY, which authenticates this route.',
        security: [{ adminKey: [] }],
        body: Type.Object({ name: Type.String({ minLength: 1, maxLength: 200 }) }, { additionalProperties: false }),
        response: {
          201: Type.Object({ tenantId: Type.String(), apiKey: Type.String({ description: 'the tenant API key; shown this once' }) }),
          ...errors(400, 401),
        },
      },
    },
    async (req, reply) => {
      const created = await app.hub.repos.tenants.create(req.body.name);
      req.log.info({ tenantId: created.tenantId }, 'tenant created');
      return reply.status(201).send(created);
    },
  );
};
