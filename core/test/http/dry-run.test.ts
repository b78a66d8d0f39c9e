import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { ConnectorHttp } from '../../src/http/client.js';
import { RateLimiter } from '../../src/http/limiter.js';
import { DryRunRecorder, dryRunAuth } from '../../src/http/dry-run.js';
import type { AuthSpec } from '@hub/manifests';

const KEY = 'secret-key-123456';

function dryClient(spec: AuthSpec, tenantUrl = false): { http: ConnectorHttp; recorder: DryRunRecorder } {
  const recorder = new DryRunRecorder(() => [KEY], tenantUrl);
  const auth = dryRunAuth(spec, 'crm');
  const http = new ConnectorHttp({
    connectorId: 'crm',
    auth: auth.strategy,
    authContext: { connectionId: 'c1', credentials: auth.credentials },
    // A limiter that allows nothing: a dry run must never wait for, or use up, the CRM's quota.
    limiter: Object.assign(new RateLimiter(undefined), {
      acquire: async () => {
        throw new Error('a dry run took a rate-limit slot');
      },
    }),
    guard: tenantUrl,
    allowPrivate: false,
    secrets: () => [KEY],
    transport: recorder.send,
  });
  return { http, recorder };
}

describe('the dry-run recorder', () => {
  it('records where each kind of auth puts its credential, never the credential', async () => {
    nock.disableNetConnect();
    const cases: Array<[AuthSpec, (r: { url: string; headers: Record<string, string> }) => unknown]> = [
      [{ type: 'api_key', in: 'query', name: 'api_token', field: 'api_key' }, (r) => r.url],
      [{ type: 'api_key', in: 'header', name: 'X-Api-Key', field: 'api_key' }, (r) => r.headers['x-api-key']],
      [{ type: 'bearer', field: 'api_key' }, (r) => r.headers.authorization],
      [{ type: 'basic', usernameField: 'user', passwordField: 'pass' }, (r) => r.headers.authorization],
    ];
    const seen = [];
    for (const [spec, pick] of cases) {
      const { http, recorder } = dryClient(spec);
      await http.send({ method: 'GET', url: 'https://api.crm.test/persons/search', query: { term: 'x' } });
      seen.push(pick(recorder.take()[0]!));
    }
    expect(seen).toEqual(['https://api.crm.test/persons/search?term=x&api_token=[redacted]', '[redacted]', '[redacted]', '[redacted]']);
  });

  it('answers lookups not found and writes with numbered placeholder ids; secrets in URLs and bodies are replaced', async () => {
    const { http, recorder } = dryClient({ type: 'none' });
    const search = await http.send({ method: 'POST', url: 'https://api.crm.test/contacts/search', body: { q: 'x' } });
    const missing = await http.send({ method: 'GET', url: 'https://api.crm.test/contacts/7', accept: [404] });
    const made = await http.send({
      method: 'POST',
      url: `https://api.crm.test/k/${KEY}/notes`,
      body: { text: `key ${KEY}`, token: 'abc' },
    });
    const form = await http.send({ method: 'PUT', url: 'https://api.crm.test/notes/1', body: { a: '1' }, form: true });
    expect([search.status, missing.status, made.status, form.status]).toEqual([200, 404, 200, 200]);
    expect((made.body as { data: { id: string } }).data.id).toBe('100000001');
    const rec = recorder.take();
    expect(rec.map((r) => r.answered)).toEqual(['not found', 'not found', { id: '100000001' }, { id: '100000002' }]);
    expect(rec[2]).toMatchObject({ url: 'https://api.crm.test/k/[redacted]/notes', body: { text: 'key [redacted]', token: '[redacted]' } });
    expect(rec[3]!.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(JSON.stringify(rec)).not.toContain(KEY);
    expect(recorder.take()).toEqual([]);
  });

  it("shows only the scheme and host of a tenant's own URL (a catch hook is itself a secret)", async () => {
    const { http, recorder } = dryClient({ type: 'none' }, true);
    await http.send({ method: 'POST', url: 'https://hooks.example.com/hooks/catch/1/abcdef/', body: { a: 1 } });
    expect(recorder.take()[0]!.url).toBe('https://hooks.example.com/[redacted]');
  });
});
