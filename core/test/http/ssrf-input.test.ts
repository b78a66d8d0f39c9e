import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '@hub/store';
import { validateManifest } from '@hub/manifests';
import { assertPublicUrl, assertSafeUrl, isBlockedAddress, type HostResolver } from '../../src/http/safe-url.js';
import { silentLogger } from '../../src/engine/types.js';
import { connect, updateIntegration } from '../../src/hub/integrations-service.js';
import { Registry } from '../../src/registry/registry.js';
import { Keyring } from '../../src/security/crypto.js';
import { HubServices } from '../../src/services.js';

/** A resolver from a table: no real DNS. */
const table = (entries: Record<string, string[]>): HostResolver & { asked: string[] } => {
  const asked: string[] = [];
  return Object.assign(
    async (host: string) => {
      asked.push(host);
      if (!entries[host]) throw Object.assign(new Error('not found'), { code: 'ENOTFOUND' });
      return entries[host];
    },
    { asked },
  );
};

describe('SSRF at input', () => {
  it.each(['::7f00:1', '::a00:1', '::a9fe:a9fe', '::ffff:7f00:1', '::ffff:a9fe:a9fe'])(
    'blocks the IPv4-compatible or IPv4-mapped %s',
    (ip) => {
      expect(isBlockedAddress(ip)).toBe(true);
    },
  );

  it.each([
    'https://localhost./x',
    'https://LOCALHOST../x',
    'https://db.internal./x',
    'https://[::127.0.0.1]/x',
    'https://[::ffff:127.0.0.1]/x',
  ])('refuses %s by its form', (url) => {
    expect(() => assertSafeUrl(url, 'webhook_url', false)).toThrow(/webhook_url: points at/);
  });

  it('refuses a host name that resolves to a private address, naming the field; allows a public one', async () => {
    const resolve = table({
      'evil.example.com': ['93.184.216.34', '10.0.0.7'],
      'rebind.example.com': ['::ffff:169.254.169.254'],
      'hooks.example.com': ['93.184.216.34'],
    });
    await expect(assertPublicUrl('https://evil.example.com/h', 'webhook_url', false, resolve)).rejects.toMatchObject({
      code: 'HUB_ERR_UNSAFE_URL',
      statusCode: 400,
      field: 'webhook_url',
    });
    await expect(assertPublicUrl('https://rebind.example.com/h', 'callback_url', false, resolve)).rejects.toMatchObject({
      field: 'callback_url',
    });
    expect((await assertPublicUrl('https://hooks.example.com/h', 'webhook_url', false, resolve)).hostname).toBe('hooks.example.com');
    // a name that does not resolve now is left to the delivery-time check
    expect((await assertPublicUrl('https://nxdomain.example.com/h', 'webhook_url', false, resolve)).hostname).toBe('nxdomain.example.com');
  });

  it('HUB_ALLOW_PRIVATE_URLS lifts it without asking DNS', async () => {
    const resolve = table({ 'sim.test': ['127.0.0.1'] });
    await assertPublicUrl('http://sim.test:9100/h', 'webhook_url', true, resolve);
    expect(resolve.asked).toEqual([]);
  });
});

describe('connect and PUT resolve URL credentials', () => {
  let dir: string;
  let engine: Awaited<ReturnType<typeof openStore>>;
  let hub: HubServices;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hub-ssrf-input-'));
    engine = await openStore({ dataDir: dir });
    const r = validateManifest({
      id: 'hook',
      name: 'Hook',
      version: '1.0.0',
      manifestVersion: 1,
      capabilities: ['events'],
      auth: { type: 'none' },
      credentials: { webhook_url: { label: 'URL', format: 'url' } },
      http: { baseUrl: '{{credentials.webhook_url}}', tenantUrl: true },
      operations: { sendEvent: { request: { method: 'POST', url: '{{credentials.webhook_url}}', body: 'input' } } },
      mappings: { event: '{ "call": call }' },
    });
    if (!r.ok) throw new Error(JSON.stringify(r.problems));
    const resolveHost = table({ 'intranet.example.com': ['192.168.1.20'], 'hooks.example.com': ['93.184.216.34'] });
    hub = new HubServices(
      engine,
      Registry.of([{ manifest: r.manifest, hooks: {}, dir: '.' }]),
      new Keyring([randomBytes(32)]),
      { allowPrivateUrls: false, publicUrl: 'http://127.0.0.1', resolveHost },
      silentLogger,
    );
    await hub.init();
  });
  afterAll(async () => {
    await engine.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('refuses a name resolving to a private address at connect and PUT (top level and auth_data), storing nothing', async () => {
    await expect(connect(hub, 't', 'a', { type: 'hook', webhook_url: 'https://intranet.example.com/h' })).rejects.toMatchObject({
      statusCode: 400,
      field: 'webhook_url',
    });
    await expect(
      connect(hub, 't', 'a', { type: 'hook', auth_data: { webhook_url: 'https://intranet.example.com/h' } }),
    ).rejects.toMatchObject({ field: 'auth_data.webhook_url' });
    expect(await hub.repos.integrations.list('t', 'a')).toHaveLength(0);
    const ok = await connect(hub, 't', 'a', { type: 'hook', webhook_url: 'https://hooks.example.com/h' });
    await expect(updateIntegration(hub, 't', 'a', ok._id, { webhook_url: 'https://intranet.example.com/h' })).rejects.toMatchObject({
      field: 'webhook_url',
    });
    expect(hub.repos.integrations.credentials(await hub.repos.integrations.get('t', 'a', ok._id)).webhook_url).toBe(
      'https://hooks.example.com/h',
    );
  });
});
