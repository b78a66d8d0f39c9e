import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { ENGINE_FUNCTIONS, validateManifest, type Manifest } from '@hub/manifests';
import { ConnectorRuntime } from '../../src/engine/runtime.js';
import { silentLogger, type Hook } from '../../src/engine/types.js';
import { expressionFunctions } from '../../src/mapping/functions.js';

const BASE = 'https://api.acme.test';
const NEXT = "response.body.paging.next ? { 'after': response.body.paging.next }";

function runtime(partial: Partial<Manifest>, hooks: Record<string, Hook> = {}) {
  const r = validateManifest({
    id: 'acme',
    name: 'Acme',
    version: '1.0.0',
    manifestVersion: 1,
    capabilities: ['contacts', 'notes'],
    auth: { type: 'none' },
    http: { baseUrl: BASE, pagination: { next: NEXT, maxPages: 3 } },
    operations: {},
    ...partial,
  });
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return new ConnectorRuntime(
    { manifest: r.manifest, hooks, dir: '.' },
    { view: { id: 'int_1', tenantId: 't', agentId: 'a', type: 'acme', account: {} }, config: {}, credentials: {} },
    { allowPrivateUrls: false, limiters: new Map(), logger: silentLogger },
  );
}

const ctx = { call: { call_id: 'c9' }, steps: { contact: { id: '42' } } };
const notes = (ids: string[], next?: string) => ({
  results: ids.map((id) => ({ id, text: `Call ID: ${id}` })),
  paging: next ? { next } : {},
});
const recover = {
  request: { method: 'GET' as const, path: '/contacts/{{contact.id}}/notes', query: "{ 'limit': 2 }", paginate: true },
  output: "( $n := response.body.results[$contains(text, $$.call.call_id)][0]; $n ? { 'id': $n.id } : null )",
};

describe('declared pagination (http.pagination)', () => {
  it('a recovery lookup with paginate reads page after page and stops at the first hit', async () => {
    nock(BASE)
      .get('/contacts/42/notes')
      .query({ limit: 2 })
      .reply(200, notes(['c1', 'c2'], 'p2'));
    nock(BASE)
      .get('/contacts/42/notes')
      .query({ limit: 2, after: 'p2' })
      .reply(200, notes(['c3', 'c9'], 'p3'));
    // No third request: the lookup found its note on page two.
    const rt = runtime({ operations: { addNote: { request: { method: 'POST', path: '/notes' }, recover } } });
    expect(await rt.recover('addNote', {}, ctx)).toEqual({ id: 'c9' });
  });

  it('stops at the last page, and at maxPages, with null when nothing matched', async () => {
    nock(BASE)
      .get('/contacts/42/notes')
      .query({ limit: 2 })
      .reply(200, notes(['c1'], 'p2'));
    nock(BASE)
      .get('/contacts/42/notes')
      .query({ limit: 2, after: 'p2' })
      .reply(200, notes(['c2']));
    const rt = runtime({ operations: { addNote: { request: { method: 'POST', path: '/notes' }, recover } } });
    expect(await rt.recover('addNote', {}, ctx)).toBeNull();
    nock(BASE)
      .get('/contacts/42/notes')
      .query(true)
      .times(3)
      .reply(200, notes(['x'], 'again'));
    expect(await rt.recover('addNote', {}, ctx)).toBeNull();
  });

  it('hooks page through ctx.pages with the same declaration, and stop when they leave the loop', async () => {
    nock(BASE)
      .get('/items')
      .reply(200, notes(['a', 'b'], 'p2'));
    nock(BASE)
      .get('/items')
      .query({ after: 'p2' })
      .reply(200, notes(['c'], 'p3'));
    const listAll: Hook = async (hctx) => {
      const seen: string[] = [];
      for await (const page of hctx.pages({ method: 'GET', url: `${hctx.baseUrl}/items` })) {
        seen.push(...(page.body as { results: Array<{ id: string }> }).results.map((r) => r.id));
        if (seen.includes('c')) break;
      }
      return seen;
    };
    const rt = runtime({ operations: { listFields: { hook: 'listAll' } }, hooks: ['listAll'] }, { listAll });
    expect(await rt.execute('listFields', undefined, ctx)).toEqual(['a', 'b', 'c']);
  });
});

describe('the engine functions the manifests package checks against', () => {
  it('are exactly the ones core registers', () => {
    expect([...ENGINE_FUNCTIONS].sort()).toEqual(Object.keys(expressionFunctions).sort());
  });
});
