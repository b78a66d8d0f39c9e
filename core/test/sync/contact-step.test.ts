import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validateManifest } from '@hub/manifests';
import { ConnectorRuntime } from '../../src/engine/runtime.js';
import { silentLogger, type Connector, type Hook } from '../../src/engine/types.js';
import { openStore } from '@hub/store';
import { LockRepo } from '../../src/store/repos/locks.js';
import { ContactLinkRepo } from '../../src/store/repos/contact-links.js';
import { findOrCreateContact } from '../../src/sync/contact-step.js';
import { normalizeCall } from '../../src/sync/call-data.js';

type Engine = Awaited<ReturnType<typeof openStore>>;
let engine: Engine;
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hub-contact-step-'));
  engine = await openStore({ dataDir: dir });
});
afterAll(async () => {
  await engine.close();
  await rm(dir, { recursive: true, force: true });
});

/** A CRM whose search is slow and sees nothing until a create, like a search index that lags. */
function slowCrm(): { connector: Connector; created: number } {
  const state = { created: 0, connector: undefined as unknown as Connector };
  let made: { id: string } | null = null;
  const findContact: Hook = async () => {
    // The answer reflects the CRM when the search started: a create meanwhile is not seen yet.
    const seen = made;
    await new Promise((r) => setTimeout(r, 50));
    return seen;
  };
  const createContact: Hook = async () => {
    state.created += 1;
    return (made = { id: `c${state.created}` });
  };
  const r = validateManifest({
    id: 'slow',
    name: 'Slow',
    version: '1.0.0',
    manifestVersion: 1,
    capabilities: ['contacts'],
    auth: { type: 'none' },
    http: { baseUrl: 'https://crm.test' },
    operations: { findContact: { hook: 'findContact' }, createContact: { hook: 'createContact' } },
    hooks: ['findContact', 'createContact'],
  });
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  state.connector = { manifest: r.manifest, hooks: { findContact, createContact }, dir: '.' };
  return state;
}

describe('findOrCreateContact', () => {
  it('two jobs of the same worker (same owner) for one phone make one contact', async () => {
    const crm = slowCrm();
    const rt = new ConnectorRuntime(
      crm.connector,
      { view: { id: 'int_1', tenantId: 't', agentId: 'a', type: 'slow', account: {} }, config: {}, credentials: {} },
      { allowPrivateUrls: false, limiters: new Map(), logger: silentLogger },
    );
    const deps = {
      locks: new LockRepo(engine.collection('locks')),
      links: new ContactLinkRepo(engine.collection('contact_links')),
      owner: 'w_same',
      tenantId: 't',
    };
    const call = (id: string) => ({
      call: normalizeCall({ call_id: id, customer_phone: '+14155550100' }, 'a') as Record<string, unknown>,
      steps: {},
    });
    const [a, b] = await Promise.all([findOrCreateContact(rt, call('c1'), deps), findOrCreateContact(rt, call('c2'), deps)]);
    expect(crm.created).toBe(1);
    expect(a.id).toBe(b.id);
  });

  it('a phone that is not a phone is never sent to a CRM search or into the contact; the email finds the customer', async () => {
    const seen: unknown[] = [];
    const r = validateManifest({
      id: 'seeing',
      name: 'Seeing',
      version: '1.0.0',
      manifestVersion: 1,
      capabilities: ['contacts'],
      auth: { type: 'none' },
      http: { baseUrl: 'https://crm.test' },
      operations: { findContact: { hook: 'findContact' }, createContact: { hook: 'createContact' } },
      mappings: { contact: "{ 'phone': call.customer_phone, 'email': call.customer_email }" },
      hooks: ['findContact', 'createContact'],
    });
    if (!r.ok) throw new Error(JSON.stringify(r.problems));
    const findContact: Hook = async (ctx, input) => (seen.push({ input, phone: ctx.call.customer_phone }), null);
    const createContact: Hook = async (_ctx, input) => (seen.push({ created: input }), { id: 'p1' });
    const rt = new ConnectorRuntime(
      { manifest: r.manifest, hooks: { findContact, createContact }, dir: '.' },
      { view: { id: 'int_2', tenantId: 't', agentId: 'a', type: 'seeing', account: {} }, config: {}, credentials: {} },
      { allowPrivateUrls: false, limiters: new Map(), logger: silentLogger },
    );
    const deps = {
      locks: new LockRepo(engine.collection('locks')),
      links: new ContactLinkRepo(engine.collection('contact_links')),
      owner: 'w',
      tenantId: 't',
    };
    const call = normalizeCall({ call_id: 'c9', customer_phone: 'not a phone', customer_email: 'jane@example.com' }, 'a') as Record<
      string,
      unknown
    >;
    expect((await findOrCreateContact(rt, { call, steps: {} }, deps)).id).toBe('p1');
    expect(JSON.stringify(seen)).not.toContain('not a phone');
    expect(seen[0]).toEqual({ input: { phone: null, email: 'jane@example.com' }, phone: null });
    expect(call.customer_phone).toBe('not a phone');
  });
});
