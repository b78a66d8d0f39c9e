import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

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
      reply
        .status(503)
        .type('text/plain; charset=utf-8')
        .send('The console is not built. Run `pnpm --filter @hub/web build` (pnpm install does it), then restart the hub.'),
    );
    return;
  }
  // The page is sent with a fresh CSP nonce (helmet's), which the console hands to the code editor
  // for the one <style> element it generates; everything else is a plain static file.
  const page = readFileSync(`${root}/index.html`, 'utf8');
  const sendPage = async (_req: FastifyRequest, reply: FastifyReply) =>
    reply
      .type('text/html; charset=utf-8')
      .header('cache-control', 'no-store')
      .send(page.replaceAll('__CSP_NONCE__', reply.cspNonce?.style ?? ''));
  for (const url of ['/ui/', '/ui/index.html']) app.get(url, { schema: { hide: true }, helmet: { enableCSPNonces: true } }, sendPage);
  await app.register(fastifyStatic, {
    root,
    prefix: '/ui/',
    index: false,
    wildcard: true,
    cacheControl: false,
    setHeaders: (reply, path) =>
      reply.header('cache-control', /[\\/]assets[\\/]/.test(path) ? 'public, max-age=31536000, immutable' : 'no-cache'),
  });
}
