import fp from 'fastify-plugin';
import type { FastifyInstance } from 'fastify';
import type { HubServices } from '@hub/core';

declare module 'fastify' {
  interface FastifyInstance {
    /** the assembled engine: store, repositories, queue, registry */
    hub: HubServices;
  }
}

/** Shares the engine with every route. */
export const hubPlugin = fp(
  async (app: FastifyInstance, opts: { hub: HubServices }) => {
    app.decorate('hub', opts.hub);
  },
  { name: 'hub-services' },
);
