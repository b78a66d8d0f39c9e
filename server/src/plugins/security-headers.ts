import fp from 'fastify-plugin';
import fastifyHelmet from '@fastify/helmet';
import helmet from 'helmet';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';

type Directives = Record<string, string[]>;

/**
 * The console's policy: only its own scripts, style sheets and API; no inline script, no framing.
 * Its page gets a per-response nonce on top (see the console plugin) for the code editor's
 * generated style sheet; style attributes, which the editor sets on its own elements, are allowed.
 */
export const CONSOLE_CSP: Directives = {
  defaultSrc: ["'self'"],
  baseUri: ["'self'"],
  scriptSrc: ["'self'"],
  scriptSrcAttr: ["'none'"],
  styleSrc: ["'self'"],
  styleSrcAttr: ["'unsafe-inline'"],
  imgSrc: ["'self'", 'data:'],
  fontSrc: ["'self'"],
  connectSrc: ["'self'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
  objectSrc: ["'none'"],
};

/**
 * Pages served under these prefixes get their own policy: the API reference UI injects its
 * configuration and styles inline, which the console's policy forbids.
 */
export const CSP_BY_PREFIX: Array<{ prefix: string; directives: Directives }> = [
  {
    prefix: '/docs',
    directives: {
      ...CONSOLE_CSP,
      scriptSrc: ["'self'", "'unsafe-inline'"],
      styleSrc: ["'self'", "'unsafe-inline'"],
      imgSrc: ["'self'", 'data:', 'https:'],
      fontSrc: ["'self'", 'data:'],
    },
  },
];

// The hub often runs on plain http on a private network; upgrading its requests to https would break it.
const common = { contentSecurityPolicy: { useDefaults: false, directives: CONSOLE_CSP }, strictTransportSecurity: false } as const;

/**
 * The headers helmet sets for `options`, computed once: with no nonce they are the same on every answer,
 * and building them per request (what @fastify/helmet does) parses the whole policy again each time.
 */
export function staticHelmetHeaders(options: Parameters<typeof helmet>[0]): Record<string, string> {
  const headers: Record<string, string> = {};
  const res = {
    setHeader: (name: string, value: string | number) => void (headers[name.toLowerCase()] = String(value)),
    removeHeader: (name: string) => void delete headers[name.toLowerCase()],
  };
  helmet(options)({} as IncomingMessage, res as unknown as ServerResponse, (err?: unknown) => {
    if (err) throw err;
  });
  return headers;
}

/**
 * Security headers on every answer, with a CSP chosen by route prefix. Routes with a policy of their
 * own (the /docs prefix, the console page with its per-answer nonce) go through @fastify/helmet; every
 * other answer gets the default policy's headers, computed once.
 */
export const securityHeadersPlugin = fp(
  async (app: FastifyInstance) => {
    // Runs before helmet's own onRoute hook, which turns `routeOptions.helmet` into the route's policy.
    app.addHook('onRoute', (route) => {
      const match = CSP_BY_PREFIX.find((p) => route.url === p.prefix || route.url.startsWith(`${p.prefix}/`));
      if (match && route.helmet === undefined)
        route.helmet = { contentSecurityPolicy: { useDefaults: false, directives: match.directives } };
    });
    await app.register(fastifyHelmet, { global: false, ...common });
    const headers = staticHelmetHeaders(common);
    app.addHook('onRequest', (request, reply, done) => {
      if ((request.routeOptions.config as { helmet?: unknown }).helmet === undefined) reply.headers(headers);
      done();
    });
  },
  { name: 'hub-security-headers' },
);
