import nock from 'nock';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { ConnectorHttp, type ExchangeSummary, type HttpClientOptions } from '../../src/http/client.js';
import { RateLimiter } from '../../src/http/limiter.js';
import { apiKeyStrategy } from '../../src/auth/static-strategies.js';
import type { AuthStrategy } from '../../src/auth/types.js';
import { isHubError } from '../../src/errors/hub-error.js';

const BASE = 'https://api.crm.test';
const KEY = 'secret-key-123456';

function client(over: Partial<HttpClientOptions> = {}, log: ExchangeSummary[] = []): ConnectorHttp {
  return new ConnectorHttp({
    connectorId: 'crm',
    auth: apiKeyStrategy({ type: 'api_key', in: 'header', name: 'Authorization', prefix: 'Token ', field: 'api_key' }),
    authContext: { connectionId: 'c1', credentials: { api_key: KEY } },
    limiter: new RateLimiter(undefined),
    guard: false,
    allowPrivate: false,
    secrets: () => [KEY],
    onExchange: (s) => log.push(s),
    ...over,
  });
}

/** Starts a loopback server on a free port and returns its base URL. */
async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('ConnectorHttp', () => {
  it('sends JSON with auth and query, and parses the answer', async () => {
    nock(BASE, { reqheaders: { authorization: `Token ${KEY}` } })
      .post('/customers', { first_name: 'Jane' })
      .query({ expand: 'addresses' })
      .reply(201, { id: 'cus_1' }, { 'content-type': 'application/json' });
    const answer = await client().send({
      method: 'POST',
      url: `${BASE}/customers`,
      query: { expand: 'addresses' },
      body: { first_name: 'Jane' },
    });
    expect(answer.status).toBe(201);
    expect(answer.body).toEqual({ id: 'cus_1' });
  });

  it('an answer nested deeper than the hub accepts stays text, so storing it cannot break a later read', async () => {
    const deep = '['.repeat(3000) + ']'.repeat(3000);
    nock(BASE).get('/deep').reply(200, deep, { 'content-type': 'application/json' });
    const answer = await client().send({ method: 'GET', url: `${BASE}/deep` });
    expect(answer.body).toBe(deep);
  });

  it('does not retry by itself: a 503 becomes a retryable error after one request', async () => {
    nock(BASE).get('/x').once().reply(503, { message: 'busy' });
    const err = await client()
      .send({ method: 'GET', url: `${BASE}/x` })
      .catch((e) => e);
    expect(isHubError(err) && err.code).toBe('HUB_ERR_CRM_TRANSIENT');
    expect(err.retryable).toBe(true);
  });

  it('a 429 is rate limited with Retry-After, and pauses the limiter', async () => {
    const limiter = new RateLimiter(undefined);
    nock(BASE).get('/x').reply(429, {}, { 'retry-after': '2' });
    const err = await client({ limiter })
      .send({ method: 'GET', url: `${BASE}/x` })
      .catch((e) => e);
    expect(err.code).toBe('HUB_ERR_CRM_RATE_LIMITED');
    expect(err.retryAfterMs).toBe(2000);
    expect(limiter.delay()).toBeGreaterThan(1500);
  });

  it('feeds the CRM quota headers of every answer to the limiter (remaining 0 waits for the interval)', async () => {
    const limiter = new RateLimiter({
      requests: 100,
      perMs: 10_000,
      remainingHeader: 'X-RateLimit-Remaining',
      intervalHeader: 'X-RateLimit-Interval-Milliseconds',
    });
    nock(BASE).get('/x').reply(200, {}, { 'x-ratelimit-remaining': '0', 'x-ratelimit-interval-milliseconds': '3000' });
    await client({ limiter }).send({ method: 'GET', url: `${BASE}/x` });
    expect(limiter.delay()).toBeGreaterThan(2500);
  });

  it('a 4xx fails permanently with the CRM message, and never leaks the key', async () => {
    nock(BASE)
      .post('/x')
      .reply(422, { message: `invalid key ${KEY}` });
    const log: ExchangeSummary[] = [];
    const err = await client({}, log)
      .send({ method: 'POST', url: `${BASE}/x`, body: {} })
      .catch((e) => e);
    expect(err.code).toBe('HUB_ERR_CRM_REJECTED');
    expect(err.retryable).toBe(false);
    expect(err.message).toContain('invalid key');
    expect(JSON.stringify(err.toJSON())).not.toContain(KEY);
    expect(JSON.stringify(log)).not.toContain(KEY);
  });

  it('accepts declared statuses (404 as "not found")', async () => {
    nock(BASE).get('/contacts/9').reply(404, { message: 'nope' });
    const answer = await client().send({ method: 'GET', url: `${BASE}/contacts/9`, accept: [404] });
    expect(answer.status).toBe(404);
  });

  it('refreshes once on 401 when the strategy can, then retries', async () => {
    let token = 'old';
    let refreshes = 0;
    const auth: AuthStrategy = {
      canRefresh: true,
      apply: async (req) => void (req.headers.authorization = `Bearer ${token}`),
      refresh: async () => {
        refreshes++;
        token = 'new';
      },
    };
    nock(BASE, { reqheaders: { authorization: 'Bearer old' } })
      .get('/me')
      .reply(401);
    nock(BASE, { reqheaders: { authorization: 'Bearer new' } })
      .get('/me')
      .reply(200, { ok: true });
    const answer = await client({ auth }).send({ method: 'GET', url: `${BASE}/me` });
    expect(answer.body).toEqual({ ok: true });
    expect(refreshes).toBe(1);
  });

  it('a second 401 after refreshing is an auth failure, not a loop', async () => {
    const auth: AuthStrategy = { canRefresh: true, apply: async () => undefined, refresh: async () => undefined };
    nock(BASE).get('/me').times(2).reply(401);
    const err = await client({ auth })
      .send({ method: 'GET', url: `${BASE}/me` })
      .catch((e) => e);
    expect(err.code).toBe('HUB_ERR_CRM_AUTH');
  });

  it('network errors are transient (a refused connection on loopback)', async () => {
    const exchanges: ExchangeSummary[] = [];
    const err = await client({ onExchange: (s) => exchanges.push(s) })
      .send({ method: 'GET', url: 'http://127.0.0.1:9/x' })
      .catch((e) => e);
    expect(err.code).toBe('HUB_ERR_CRM_TRANSIENT');
    expect(err.retryable).toBe(true);
    expect(err.details).toMatchObject({ network: 'ECONNREFUSED', notSent: true });
    expect(exchanges[0]).toMatchObject({ action: 'retry', reason: 'network error ECONNREFUSED: connection refused' });
  });

  it('a reset connection goes through classify(): transient, and it may have been sent', async () => {
    const server = createServer((req) => req.socket.destroy());
    const url = await listen(server);
    const err = await client()
      .send({ method: 'POST', url: `${url}/x`, body: {} })
      .catch((e) => e);
    server.close();
    expect(err.code).toBe('HUB_ERR_CRM_TRANSIENT');
    expect(err.details).toMatchObject({ network: 'ECONNRESET', notSent: false });
  });

  it('a TLS failure is permanent, not retried (https to a server that speaks no TLS)', async () => {
    const server = createServer((_req, res) => res.end('plain'));
    const url = await listen(server);
    const err = await client()
      .send({ method: 'GET', url: `${url.replace('http:', 'https:')}/x` })
      .catch((e) => e);
    server.close();
    expect(err.code).toBe('HUB_ERR_CRM_REJECTED');
    expect(err.retryable).toBe(false);
    expect(err.message).toMatch(/TLS failure/);
  });

  it('the guard refuses a private target before sending anything', async () => {
    const err = await client({ guard: true })
      .send({ method: 'POST', url: 'https://10.0.0.5/hook', body: {} })
      .catch((e) => e);
    expect(err.code).toBe('HUB_ERR_UNSAFE_URL');
  });

  it('the guard refuses plain http for tenant URLs', async () => {
    const err = await client({ guard: true })
      .send({ method: 'POST', url: 'http://hooks.example.com/hook', body: {} })
      .catch((e) => e);
    expect(err.code).toBe('HUB_ERR_UNSAFE_URL');
  });
});
