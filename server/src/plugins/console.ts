import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

declare module 'fastify' {
  interface FastifySchema {
    /** leaves the route out of the API description (the console's pages are not API) */
    hide?: boolean;
  }
}

/** Where `pnpm --filter @hub/web build` writes the console. */
export const CONSOLE_DIR = fileURLToPath(new URL('../../../web/dist/', import.meta.url));

/**
 * The tenant console: the built web/ package at /ui/ (hashed assets cached for good, the page
 * itself never), `/` and `/ui` redirecting there. It is static and speaks only the public API.
 */
export async function consolePlugin(app: FastifyInstance, opts: { root?: string } = {}): Promise<void> {
  const root = opts.root ?? CONSOLE_DIR;
  app.get('/', { schema: { hide: true } }, async (_req, reply) => reply.redirect('/ui/', 302));
  app.get('/ui', { schema: { hide: true } }, async (_req, reply) => reply.redirect('/ui/', 301));
  if (!existsSync(`${root}/index.html`)) {
    app.log.warn({ root }, 'the console is not built; run `pnpm --filter @hub/web build`');
    app.get('/ui/*', { schema: { hide: true } }, async (_req, reply) =>
      reply.status(503).type('text/plain; charset=utf-8').send('The console is not built. Run `pnpm --filter @hub/web build` (pnpm install does it), then restart the hub.'),
    );
    return;
  }
  await app.register(fastifyStatic, {
    root,
    prefix: '/ui/',
    index: 'index.html',
    wildcard: true,
    cacheControl: false,
    setHeaders: (reply, path) => reply.header('cache-control', /[\\/]assets[\\/]/.test(path) ? 'public, max-age=31536000, immutable' : 'no-cache'),
  });
}
