import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiClient, startTestHub, type TestHub } from '../helpers/hub.js';

const ADMIN_KEY = 'adm_0123456789abcdefghijklmnop';
let hub: TestHub;
let plain: TestHub;
beforeAll(async () => {
  hub = await startTestHub({ HUB_ADMIN_KEY: ADMIN_KEY }, { connectors: ['zapier'] });
  plain = await startTestHub({}, { connectors: ['zapier'] });
});
afterAll(async () => {
  await hub?.close();
  await plain?.close();
});

describe('POST /admin/tenants', () => {
  it('creates a tenant whose key works at once, while the hub runs', async () => {
    const res = await apiClient(hub.url, ADMIN_KEY)('POST', '/admin/tenants', { name: 'Acme Roofing' });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ tenantId: expect.stringMatching(/^ten_/), apiKey: expect.stringMatching(/^hub_sk_/) });
    const tenant = apiClient(hub.url, res.body.apiKey);
    expect((await tenant('GET', '/api/agents/a/integrations')).status).toBe(200);
    expect(hub.logs.join('')).not.toContain(res.body.apiKey);
    expect(hub.logs.join('')).not.toContain(ADMIN_KEY);
  });

  it('refuses a wrong or missing admin key, a tenant key, and a bad body', async () => {
    expect((await apiClient(hub.url, `${ADMIN_KEY}x`)('POST', '/admin/tenants', { name: 'x' })).status).toBe(401);
    expect((await apiClient(hub.url)('POST', '/admin/tenants', { name: 'x' })).status).toBe(401);
    expect((await apiClient(hub.url, hub.tenant.apiKey)('POST', '/admin/tenants', { name: 'x' })).status).toBe(401);
    const bad = await apiClient(hub.url, ADMIN_KEY)('POST', '/admin/tenants', { title: 'x' });
    expect(bad.status).toBe(400);
    expect(bad.body.field).toBe('body.name');
  });

  it('does not exist without HUB_ADMIN_KEY', async () => {
    expect((await apiClient(plain.url, ADMIN_KEY)('POST', '/admin/tenants', { name: 'x' })).status).toBe(404);
  });
});
