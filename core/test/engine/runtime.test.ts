import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { validateManifest, type Manifest } from '@hub/manifests';
import { ConnectorRuntime } from '../../src/engine/runtime.js';
import { silentLogger, type Connector } from '../../src/engine/types.js';
import { normalizeCall } from '../../src/sync/call-data.js';

const BASE = 'https://api.acme.test';

function connector(partial: Partial<Manifest>): Connector {
  const r = validateManifest({
    id: 'acme',
    name: 'Acme',
    version: '1.0.0',
    manifestVersion: 1,
    capabilities: ['contacts', 'notes'],
    auth: { type: 'api_key', in: 'query', name: 'api_token', field: 'api_key' },
    credentials: { api_key: { label: 'API token' } },
    http: { baseUrl: BASE, headers: { 'X-Version': '{{ config.version }}' } },
    config: { type: 'object', properties: { version: { type: 'string', default: '2' } } },
    operations: {},
    ...partial,
  });
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return { manifest: r.manifest, hooks: {}, dir: '.' };
}

function runtime(c: Connector, extra: { fieldMappings?: Record<string, string>; mappings?: Record<string, string> } = {}) {
  return new ConnectorRuntime(
    c,
    {
      view: { id: 'int_1', tenantId: 't', agentId: 'a', type: 'acme', account: {} },
      config: { version: '2' },
      credentials: { api_key: 'tok_123456789' },
      ...extra,
    },
    { allowPrivateUrls: false, limiters: new Map(), logger: silentLogger },
  );
}

const call = normalizeCall(
  {
    call_id: 'c1',
    customer_name: 'Jane Q Smith',
    customer_phone: '+14079780655',
    customer_email: 'jane@example.com',
    call_summary: 'Wants a quote',
    custom_tier: 'gold',
  },
  'agent_1',
);

describe('ConnectorRuntime', () => {
  it('builds the request from templates and JSONata, sends it with auth, and reads the output', async () => {
    const c = connector({
      operations: {
        addNote: {
          request: {
            method: 'POST',
            path: '/people/{{ contact.id }}/notes',
            query: "{ 'source': 'voice' }",
            body: "{ 'content': input.text, 'person': contact.id }",
          },
          output: "{ 'id': $string(response.body.data.id) }",
        },
      },
      mappings: { note: "{ 'text': $callNote(call) }" },
    });
    nock(BASE, { reqheaders: { 'x-version': '2' } })
      .post('/people/p%2F1/notes', (body) => body.person === 'p/1' && body.content.includes('Wants a quote'))
      .query({ source: 'voice', api_token: 'tok_123456789' })
      .reply(201, { data: { id: 77 } });
    const rt = runtime(c);
    const ctx = { call, steps: { contact: { id: 'p/1' } } };
    const out = await rt.execute('addNote', await rt.map('note', ctx), ctx);
    expect(out).toEqual({ id: '77' });
  });

  it('returns null for notFound statuses', async () => {
    const c = connector({
      operations: {
        findContact: {
          request: { method: 'GET', path: '/people/search', query: "{ 'term': call.customer_phone }" },
          notFound: [404],
          output: 'response.body.data[0]',
        },
      },
    });
    nock(BASE).get('/people/search').query(true).reply(404, {});
    expect(await runtime(c).execute('findContact', {}, { call, steps: {} })).toBeNull();
  });

  it('a template with no value fails clearly instead of calling a wrong URL', async () => {
    const c = connector({ operations: { addNote: { request: { method: 'POST', path: '/people/{{ contact.id }}/notes' } } } });
    await expect(runtime(c).execute('addNote', {}, { call, steps: {} })).rejects.toThrow(/has no value/);
  });

  it('applies simple field mappings on top of the contact mapping, and tenant overrides replace defaults', async () => {
    const c = connector({
      mappings: {
        contact: "{ 'first': $firstName(call.customer_name), 'last': $lastName(call.customer_name), 'phone': call.customer_phone }",
      },
    });
    const rt = runtime(c, { fieldMappings: { custom_tier: 'tier__c', call_id: 'meta.call' } });
    expect(await rt.map('contact', { call, steps: {} })).toEqual({
      first: 'Jane Q',
      last: 'Smith',
      phone: '+14079780655',
      tier__c: 'gold',
      meta: { call: 'c1' },
    });
    const overridden = runtime(c, { mappings: { contact: "{ 'email': $uppercase(call.customer_email) }" } });
    expect(await overridden.map('contact', { call, steps: {} })).toEqual({ email: 'JANE@EXAMPLE.COM' });
  });

  it('tenant expressions cannot see credentials and are time-limited', async () => {
    const c = connector({ mappings: { contact: "{ 'x': 1 }" } });
    const peek = runtime(c, { mappings: { contact: "{ 'key': credentials.api_key }" } });
    expect(await peek.map('contact', { call, steps: {} })).toEqual({});
    const loop = runtime(c, { mappings: { contact: '( $f := function($n) { $f($n + 1) }; $f(0) )' } });
    await expect(loop.map('contact', { call, steps: {} })).rejects.toThrow(/mapping "contact" failed/);
  });

  it('hook requests get the templated default headers, and a header the hook sets itself wins', async () => {
    const c = connector({
      http: { baseUrl: BASE, headers: { 'X-Version': '{{ config.version }}', 'X-Client': 'hub' } },
      operations: { addNote: { hook: 'note' } },
      hooks: ['note'],
    });
    const hooked: Connector = {
      ...c,
      hooks: {
        note: async (ctx) => {
          await ctx.http.send({ method: 'GET', url: `${ctx.baseUrl}/plain` });
          return (await ctx.http.send({ method: 'GET', url: `${ctx.baseUrl}/own`, headers: { 'x-version': '2021-04-15' } })).body;
        },
      },
    };
    nock(BASE, { reqheaders: { 'x-version': '2', 'x-client': 'hub' } })
      .get('/plain')
      .query(true)
      .reply(200, {});
    nock(BASE, { reqheaders: { 'x-version': '2021-04-15', 'x-client': 'hub' } })
      .get('/own')
      .query(true)
      .reply(200, { ok: true });
    expect(await runtime(hooked).execute('addNote', {}, { call, steps: {} })).toEqual({ ok: true });
  });

  it("runs a declared recovery lookup with the operation's input, matching the call's marker", async () => {
    const c = connector({
      operations: {
        addNote: {
          request: { method: 'POST', path: '/notes', body: 'input' },
          recover: {
            request: { method: 'GET', path: '/people/{{ contact.id }}/notes', query: "{ 'limit': 50, 'kind': input.kind }" },
            output: "( $n := response.body.data[$hasCallMarker(content, $$.call)][0]; $n ? { 'id': $string($n.id) } : null )",
          },
        },
      },
    });
    nock(BASE)
      .get('/people/p1/notes')
      .query({ limit: '50', kind: 'call', api_token: 'tok_123456789' })
      .reply(200, {
        data: [
          { id: 1, content: 'Call ID: c12<br>other' },
          { id: 2, content: 'AI phone call<br>Call ID: c1<br>Wants a quote' },
        ],
      });
    const ctx = { call, steps: { contact: { id: 'p1' } } };
    expect(await runtime(c).recover('addNote', { kind: 'call' }, ctx)).toEqual({ id: '2' });
    nock(BASE)
      .get('/people/p1/notes')
      .query(true)
      .reply(200, { data: [{ id: 1, content: 'Call ID: c12' }] });
    expect(await runtime(c).recover('addNote', { kind: 'call' }, ctx)).toBeNull();
  });

  it('an operation without a recovery lookup recovers nothing and sends nothing', async () => {
    const c = connector({ operations: { addNote: { request: { method: 'POST', path: '/notes', body: 'input' } } } });
    expect(await runtime(c).recover('addNote', {}, { call, steps: {} })).toBeNull();
  });

  it('evaluates `when`', async () => {
    const c = connector({
      capabilities: ['workflows'],
      operations: { triggerWorkflow: { when: '$exists(config.workflow_id)', request: { method: 'POST', path: '/wf' } } },
    });
    expect(await runtime(c).applies('triggerWorkflow', { call, steps: {} })).toBe(false);
  });
});
