import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSettings } from '../src/settings.js';
import { bootstrap, loadKeyring } from '../src/bootstrap.js';
import type { EmbeddedEngine } from '@hub/store';
import { silentLogger } from '@hub/core';

describe('settings', () => {
  it('has the documented defaults', () => {
    const s = loadSettings({});
    expect(s).toMatchObject({
      port: 3000,
      host: '127.0.0.1',
      dataDir: './data',
      allowPrivateUrls: false,
      publicUrl: 'http://127.0.0.1:3000',
      worker: true,
    });
  });

  it('names every variable at fault', () => {
    let message = '';
    try {
      loadSettings({ PORT: 'eighty', HUB_ALLOW_PRIVATE_URLS: 'yes', HUB_CONNECTOR_OVERRIDES: '{bad', MONGODB_URL: 'postgres://x' });
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toContain('PORT: ');
    expect(message).toContain('MONGODB_URL: ');
    expect(message).toContain('HUB_ALLOW_PRIVATE_URLS: must be one of "0", "1", "true", "false"');
    expect(message).toContain('HUB_CONNECTOR_OVERRIDES: is not JSON');
    expect(() => loadSettings({ HUB_CONNECTOR_OVERRIDES: '{"hubspot":{"baseUrl":"not a url"}}' })).toThrow(
      /HUB_CONNECTOR_OVERRIDES\/hubspot\/baseUrl/,
    );
  });

  it('reads a registered OAuth redirect URI and refuses one the hub cannot serve', () => {
    const app = { HUB_OAUTH_GOOGLE_CALENDAR_CLIENT_ID: 'id', HUB_OAUTH_GOOGLE_CALENDAR_CLIENT_SECRET: 'secret' };
    const s = loadSettings({ ...app, HUB_OAUTH_GOOGLE_CALENDAR_REDIRECT_URI: 'https://hub.example.com/api/integrations/google/callback' });
    expect(s.oauthApps.GOOGLE_CALENDAR).toEqual({
      clientId: 'id',
      clientSecret: 'secret',
      redirectUri: 'https://hub.example.com/api/integrations/google/callback',
    });
    expect(() => loadSettings({ ...app, HUB_OAUTH_GOOGLE_CALENDAR_REDIRECT_URI: 'https://hub.example.com/oauth/google' })).toThrow(
      /HUB_OAUTH_GOOGLE_CALENDAR_REDIRECT_URI: must be an http\(s\) URL ending in \/api\/integrations\/<type>\/callback/,
    );
  });

  it('generates a key into the data folder once when HUB_SECRET_KEY is unset, and warns', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'keys-'));
    const warnings: string[] = [];
    const logger = { ...silentLogger, warn: (_o: object, msg?: string) => void warnings.push(msg ?? '') };
    const settings = loadSettings({ HUB_DATA_DIR: dir });
    const a = loadKeyring(settings, logger);
    const b = loadKeyring(settings, logger);
    expect(a.currentId).toBe(b.currentId);
    expect(warnings.length).toBe(1);
    expect(Buffer.from((await readFile(join(dir, 'secret.key'), 'utf8')).trim(), 'base64').length).toBe(32);
  });

  it('HUB_STORE_COLD_DOCS=1 opens the embedded store with cold docs: after a snapshot the hub reads its data back from disk', async () => {
    expect(() => loadSettings({ HUB_STORE_COLD_DOCS: 'yes' })).toThrow(/HUB_STORE_COLD_DOCS: /);
    const dir = await mkdtemp(join(tmpdir(), 'hub-cold-'));
    const settings = loadSettings({ HUB_DATA_DIR: dir, HUB_STORE_COLD_DOCS: '1', HUB_SECRET_KEY: Buffer.alloc(32, 7).toString('base64') });
    expect(settings.storeColdDocs).toBe(true);
    const hub = await bootstrap(settings, silentLogger);
    try {
      const { tenantId } = await hub.repos.tenants.create('Cold Co');
      const engine = hub.engine as EmbeddedEngine;
      await engine.compact();
      const held = (engine.collection('tenants') as unknown as { docs: { raw(id: string): unknown } }).docs.raw(tenantId);
      expect(typeof held).toBe('number');
      expect((await hub.repos.tenants.col.findOne({ _id: tenantId }))?.name).toBe('Cold Co');
    } finally {
      await hub.engine.close();
    }
  });

  it('refuses a HUB_SECRET_KEY that is not 32 bytes of base64', () => {
    expect(() => loadKeyring(loadSettings({ HUB_SECRET_KEY: 'c2hvcnQ=' }), silentLogger)).toThrow(/32 bytes/);
  });
});
