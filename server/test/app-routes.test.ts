import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HubServices, Keyring, Registry, silentLogger } from '@hub/core';
import { openStore } from '@hub/store';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../src/app.js';
import { oauthExtension } from '../src/oauth-extension.js';

let dir: string;
let engine: Awaited<ReturnType<typeof openStore>>;
let app: FastifyInstance;
const hub = () =>
  new HubServices(
    engine,
    Registry.of([]),
    new Keyring([randomBytes(32)]),
    { allowPrivateUrls: false, publicUrl: 'http://127.0.0.1' },
    silentLogger,
  );

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hub-app-routes-'));
  engine = await openStore({ dataDir: dir });
  // No extension at all: the core app alone.
  app = await buildApp({ hub: hub() });
  await app.ready();
});
afterAll(async () => {
  await app.close();
  await engine.close();
  await rm(dir, { recursive: true, force: true });
});

describe('route plugins', () => {
  it('availability and booking are core routes, registered without the OAuth extension', () => {
    expect(app.hasRoute({ method: 'GET', url: '/api/agents/:agentId/integrations/:integrationId/availability' })).toBe(true);
    expect(app.hasRoute({ method: 'POST', url: '/api/agents/:agentId/integrations/:integrationId/book' })).toBe(true);
  });

  it('the OAuth extension adds the OAuth callback', async () => {
    expect(app.hasRoute({ method: 'GET', url: '/api/integrations/:type/callback' })).toBe(false);
    const withOAuth = await buildApp({ hub: hub(), plugins: oauthExtension().plugins });
    await withOAuth.ready();
    expect(withOAuth.hasRoute({ method: 'GET', url: '/api/integrations/:type/callback' })).toBe(true);
    await withOAuth.close();
  });
});
