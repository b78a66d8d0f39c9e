import { mkdtemp, mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify from 'fastify';
import fastifyHelmet from '@fastify/helmet';
import { describe, expect, it } from 'vitest';
import { consolePlugin } from '../src/plugins/console.js';
import { CONSOLE_CSP, securityHeadersPlugin } from '../src/plugins/security-headers.js';

async function appWith(root: string) {
  const app = Fastify();
  await app.register(securityHeadersPlugin);
  await app.register(consolePlugin, { root });
  app.get('/docs', async (_req, reply) => reply.type('text/html').send('<html></html>'));
  app.get('/api/thing', async () => ({ ok: true }));
  await app.ready();
  return app;
}

describe('console serving', () => {
  it('serves the built console at /ui/ under a strict CSP, redirects / there and caches only hashed assets', async () => {
    const root = await mkdtemp(join(tmpdir(), 'console-'));
    await mkdir(join(root, 'assets'));
    await writeFile(join(root, 'index.html'), '<!doctype html><meta name="csp-nonce" content="__CSP_NONCE__"><title>console</title>');
    await writeFile(join(root, 'assets', 'index-abc.js'), 'console.log(1)');
    const app = await appWith(root);
    expect((await app.inject('/')).headers.location).toBe('/ui/');
    expect((await app.inject('/ui')).headers.location).toBe('/ui/');
    const page = await app.inject('/ui/');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<title>console</title>');
    expect(page.headers['cache-control']).toBe('no-store');
    const csp = String(page.headers['content-security-policy']);
    expect(csp).toContain("script-src 'self'");
    // Scripts never run inline; only style attributes may (the code editor sets them).
    const directives = Object.fromEntries(csp.split(';').map((d) => [d.split(' ')[0], d]));
    expect(directives['script-src']).not.toContain('unsafe-inline');
    expect(directives['script-src-attr']).toBe("script-src-attr 'none'");
    expect(directives['style-src']).not.toContain('unsafe-inline');
    // A fresh nonce per answer, in the header and in the page for the editor's style sheet.
    const nonce = /style-src 'self' 'nonce-([0-9a-f]+)'/.exec(csp)?.[1];
    expect(nonce).toBeTruthy();
    expect(page.body).toContain(`content="${nonce}"`);
    expect(String((await app.inject('/ui/')).headers['content-security-policy'])).not.toContain(nonce);
    expect((await app.inject('/ui/index.html')).body).not.toContain('__CSP_NONCE__');
    expect(csp).toContain("frame-ancestors 'none'");
    expect(page.headers['x-content-type-options']).toBe('nosniff');
    const asset = await app.inject('/ui/assets/index-abc.js');
    expect(asset.headers['cache-control']).toContain('immutable');
    expect((await app.inject('/ui/nothing-here.js')).statusCode).toBe(404);
    const apiCsp = String((await app.inject('/api/thing')).headers['content-security-policy']);
    expect(apiCsp.split(';').find((d) => d.startsWith('script-src '))).not.toContain('unsafe-inline');
    await app.close();
  });

  it('gives /docs its own policy, so the API reference can run its inline set-up', async () => {
    const app = await appWith(await mkdtemp(join(tmpdir(), 'console-')));
    const docs = await app.inject('/docs');
    expect(String(docs.headers['content-security-policy'])).toContain("script-src 'self' 'unsafe-inline'");
    await app.close();
  });

  it('gives every other answer, 404s included, the same headers @fastify/helmet sets for the default policy', async () => {
    const app = await appWith(await mkdtemp(join(tmpdir(), 'console-')));
    const reference = Fastify();
    await reference.register(fastifyHelmet, {
      global: true,
      contentSecurityPolicy: { useDefaults: false, directives: CONSOLE_CSP },
      strictTransportSecurity: false,
    });
    reference.get('/api/thing', async () => ({ ok: true }));
    for (const url of ['/api/thing', '/api/none']) {
      const [ours, theirs] = [(await app.inject(url)).headers, (await reference.inject(url)).headers];
      const helmetNames = Object.keys(theirs).filter((h) => !['content-type', 'content-length', 'date', 'connection'].includes(h));
      expect(helmetNames.length).toBeGreaterThan(8);
      for (const name of helmetNames) expect([url, name, ours[name]]).toEqual([url, name, theirs[name]]);
    }
    expect(String((await app.inject('/api/thing')).headers['content-security-policy'])).toContain("frame-ancestors 'none'");
    await app.close();
    await reference.close();
  });

  it('says how to build the console when it is missing, instead of a bare 404', async () => {
    const app = await appWith(join(tmpdir(), 'no-such-console-dir'));
    const res = await app.inject('/ui/');
    expect(res.statusCode).toBe(503);
    expect(res.body).toContain('pnpm --filter @hub/web build');
    await app.close();
  });
});
