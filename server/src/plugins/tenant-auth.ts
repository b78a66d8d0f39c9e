import fp from 'fastify-plugin';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { HubError } from '@hub/core';

declare module 'fastify' {
  interface FastifyRequest {
    /** the tenant the request's API key belongs to (set on authenticated routes) */
    tenantId: string;
  }
  interface FastifyContextConfig {
    /** true for routes that authenticate otherwise (OAuth callbacks, signed webhooks) */
    public?: boolean;
  }
}

/**
 * Every /api route needs `Authorization: Bearer <apiKey>`, except routes marked `config.public`
 * (OAuth callbacks and signed inbound webhooks carry their own proof).
 */
export const tenantAuthPlugin = fp(
  async (app: FastifyInstance) => {
    app.decorateRequest('tenantId', '');
    app.addHook('onRequest', async (request: FastifyRequest) => {
      if (!request.url.startsWith('/api/') || request.routeOptions.config?.public) return;
      const header = request.headers.authorization ?? '';
      const match = /^Bearer\s+(\S+)$/i.exec(header);
      if (!match)
        throw new HubError('HUB_ERR_UNAUTHORIZED', 'send the tenant API key as "Authorization: Bearer <apiKey>"', {
          field: 'headers.authorization',
        });
      const tenantId = await app.hub.repos.tenants.tenantIdOfKey(match[1]);
      if (!tenantId) throw new HubError('HUB_ERR_UNAUTHORIZED', 'the API key is not valid', { field: 'headers.authorization' });
      request.tenantId = tenantId;
    });
  },
  { name: 'hub-tenant-auth', dependencies: ['hub-services'] },
);
