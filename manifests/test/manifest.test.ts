import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { manifestJsonSchema, validateManifest } from '../src/index.js';

const zapier = JSON.parse(readFileSync(new URL('../../connectors/zapier/manifest.json', import.meta.url), 'utf8')) as Record<
  string,
  unknown
>;

function withChange(change: (m: any) => void): unknown {
  const m = structuredClone(zapier);
  change(m);
  return m;
}

function problemsOf(raw: unknown): string[] {
  const r = validateManifest(raw);
  return r.ok ? [] : r.problems.map((p) => `${p.path} ${p.message}`);
}

describe('the manifest schema', () => {
  it('loads, and the published connector.schema.json is what the TypeBox schema generates', () => {
    const published = JSON.parse(readFileSync(new URL('../connector.schema.json', import.meta.url), 'utf8'));
    expect(published).toEqual(manifestJsonSchema());
    expect(published.properties.operations.properties.upsertContact).toBeDefined();
  });

  it('accepts the Zapier manifest', () => {
    const r = validateManifest(zapier);
    expect(r.ok).toBe(true);
  });
});

describe('validateManifest reports every problem with its JSON path', () => {
  it.each([
    ['a bad id', (m: any) => (m.id = 'Bad Id'), '/id'],
    ['an unknown top-level key', (m: any) => (m.extra = 1), '/extra is not a known property'],
    ['a missing name', (m: any) => delete m.name, '/name is required'],
    ['an unknown capability', (m: any) => m.capabilities.push('teleport'), '/capabilities/1'],
    ['an unknown auth type', (m: any) => (m.auth = { type: 'magic' }), '/auth/type must be one of'],
    ['an api_key auth without name', (m: any) => (m.auth = { type: 'api_key', in: 'header', field: 'api_key' }), '/auth/name is required'],
    [
      'an operation with neither request nor hook',
      (m: any) => (m.operations.sendEvent = { output: 'x' }),
      '/operations/sendEvent needs a request or a hook',
    ],
    ['a hook that is not listed', (m: any) => (m.operations.sendEvent = { hook: 'send' }), '/operations/sendEvent/hook names hook "send"'],
    [
      'a body that does not compile',
      (m: any) => (m.operations.sendEvent.request.body = '{ "a": '),
      '/operations/sendEvent/request/body JSONata does not compile',
    ],
    ['a template part that does not compile', (m: any) => (m.http.baseUrl = 'https://x/{{ ( }}'), '/http/baseUrl JSONata does not compile'],
    ['a mapping that does not compile', (m: any) => (m.mappings.event = '$$$('), '/mappings/event JSONata does not compile'],
    [
      'a recovery lookup with neither request nor hook',
      (m: any) => (m.operations.sendEvent.recover = { output: 'x' }),
      '/operations/sendEvent/recover needs a request or a hook',
    ],
    [
      'a recovery hook that is not listed',
      (m: any) => (m.operations.sendEvent.recover = { hook: 'findSent' }),
      '/operations/sendEvent/recover/hook names hook "findSent"',
    ],
    [
      'a recovery output that does not compile',
      (m: any) => (m.operations.sendEvent.recover = { request: { method: 'GET', path: '/x' }, output: '$$$(' }),
      '/operations/sendEvent/recover/output JSONata does not compile',
    ],
    [
      'a recovery query that does not compile',
      (m: any) => (m.operations.sendEvent.recover = { request: { method: 'GET', path: '/x', query: '{ (' } }),
      '/operations/sendEvent/recover/request/query JSONata does not compile',
    ],
    [
      'an unknown key in a recovery lookup',
      (m: any) => (m.operations.sendEvent.recover = { hook: 'x', when: 'true' }),
      '/operations/sendEvent/recover/when is not a known property',
    ],
    ['an unknown operation', (m: any) => (m.operations.fly = { hook: 'x' }), '/operations/fly is not a known property'],
    ['an unsupported manifestVersion', (m: any) => (m.manifestVersion = 7), '/manifestVersion must be an integer from 1 to 1'],
    [
      'an unknown JSONata function',
      (m: any) => (m.mappings.event = "{ 'first': $firstname(call.customer_name) }"),
      '/mappings/event calls $firstname(), which is not a JSONata or engine function; did you mean $firstName?',
    ],
    [
      'a template typo',
      (m: any) => (m.operations.sendEvent.request.path = '/contacts/{{contatc.id}}'),
      '/operations/sendEvent/request/path reads "contatc", which the context does not have',
    ],
    ['a typo suggests the name', (m: any) => (m.operations.sendEvent.request.path = '/contacts/{{contatc.id}}'), 'did you mean contact?'],
    ['errorMessage sees only the answer', (m: any) => (m.http.errorMessage = 'call.call_id'), '/http/errorMessage reads "call"'],
    [
      'a config schema that does not compile',
      (m: any) => (m.config = { type: 'object', properties: { n: { type: 'integr' } } }),
      '/config is not a valid JSON Schema',
    ],
    [
      'paginate without http.pagination',
      (m: any) => (m.operations.sendEvent.request.paginate = true),
      '/operations/sendEvent/request/paginate needs /http/pagination',
    ],
    [
      'a pagination expression that does not compile',
      (m: any) => (m.http.pagination = { next: '{ (' }),
      '/http/pagination/next JSONata does not compile',
    ],
    [
      'a voice hook that is not listed',
      (m: any) => (m.voice = { verifyEvent: 'verify', readEvent: 'read' }),
      '/voice/verifyEvent names hook "verify", which is not listed in /hooks',
    ],
    [
      'outbound without placeCall',
      (m: any) => m.capabilities.push('outbound'),
      '/operations/placeCall is required by the "outbound" capability',
    ],
    [
      'placeCall without outbound',
      (m: any) => (m.operations.placeCall = { request: { method: 'POST', path: '/call' } }),
      '/capabilities must include "outbound"',
    ],
    ['a mistyped voice key', (m: any) => (m.voice = { verify: 'x' }), '/voice/verify is not a known property'],
  ])('%s', (_name, change, expected) => {
    const problems = problemsOf(withChange(change));
    expect(
      problems.some((p) => p.includes(expected)),
      problems.join('\n'),
    ).toBe(true);
  });

  it('reports several problems at once', () => {
    const problems = problemsOf(
      withChange((m) => {
        m.id = 'X';
        delete m.version;
      }),
    );
    expect(problems.length).toBeGreaterThanOrEqual(2);
  });

  it('accepts relative names inside filters and object steps, bound variables and lambdas', () => {
    const ok = withChange((m) => {
      m.mappings.event =
        "( $f := function($v) { $uppercase($v) }; $n := call.items[price > 1].{ 'id': id }; { 'a': $f(call.customer_name), 'b': $n, 'c': $$.call.call_id } )";
    });
    expect(problemsOf(ok)).toEqual([]);
  });

  it('accepts the extends key in the file (the registry resolves it before validating)', () => {
    const schema = manifestJsonSchema() as { properties: Record<string, unknown> };
    expect(schema.properties.extends).toBeDefined();
    expect(schema.properties.voice).toBeDefined();
  });

  it('rejects what is not an object', () => {
    expect(problemsOf([1, 2])).toEqual(['/ a manifest must be a JSON object']);
  });
});
