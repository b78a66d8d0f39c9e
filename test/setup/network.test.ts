import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { get } from 'node:https';
import nock from 'nock';
import { describe, expect, it } from 'vitest';

describe('the shared test setup (test/setup/network.ts)', () => {
  it('refuses the real network to got and to fetch', async () => {
    const viaHttp = new Promise((resolve, reject) => get('https://api.hubapi.com/crm/v3/objects/contacts', resolve).on('error', reject));
    await expect(viaHttp).rejects.toThrow(/Nock: Disallowed net connect/);
    await expect(fetch('https://example.com/')).rejects.toThrow();
  });

  it('lets loopback through, for simulators and the hub under test', async () => {
    const server = createServer((_req, res) => res.end('ok'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    expect(await (await fetch(`http://127.0.0.1:${port}/`)).text()).toBe('ok');
    server.close();
  });

  it('sees an interceptor left unused (the afterEach then fails the test that made it)', () => {
    nock('https://crm.test').get('/never').reply(200);
    expect(nock.pendingMocks()).toEqual(['GET https://crm.test:443/never']);
    nock.cleanAll();
  });
});
