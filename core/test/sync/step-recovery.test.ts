import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validateManifest } from '@hub/manifests';
import { HubError } from '../../src/errors/hub-error.js';
import { silentLogger, type Hook } from '../../src/engine/types.js';
import { hasCallMarker } from '../../src/mapping/functions.js';
import { Registry } from '../../src/registry/registry.js';
import { Keyring } from '../../src/security/crypto.js';
import { HubServices } from '../../src/services.js';
import { openStore } from '@hub/store';
import { normalizeCall } from '../../src/sync/call-data.js';
import { runSyncJob } from '../../src/sync/run-job.js';

type Engine = Awaited<ReturnType<typeof openStore>>;
let engine: Engine;
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hub-step-recovery-'));
  engine = await openStore({ dataDir: dir });
});
afterAll(async () => {
  await engine.close();
  await rm(dir, { recursive: true, force: true });
});

/** A CRM of notes whose next create can lose its answer: the note is written, the hub hears nothing. */
function notesCrm(id: string, withRecover: boolean) {
  const crm = { notes: [] as Array<{ id: string; text: string }>, loseNextAnswer: false, lookups: 0 };
  const addNote: Hook = async (_ctx, input) => {
    const note = { id: `n${crm.notes.length + 1}`, text: String((input as { text: string }).text) };
    crm.notes.push(note);
    if (crm.loseNextAnswer) {
      crm.loseNextAnswer = false;
      throw new HubError('HUB_ERR_CRM_TRANSIENT', 'socket hang up after the CRM wrote', { retryable: true });
    }
    return { id: note.id };
  };
  const findNote: Hook = async (ctx) => {
    crm.lookups += 1;
    const found = crm.notes.find((n) => hasCallMarker(n.text, ctx.call));
    return found ? { id: found.id } : null;
  };
  const r = validateManifest({
    id,
    name: id,
    version: '1.0.0',
    manifestVersion: 1,
    capabilities: ['notes'],
    auth: { type: 'none' },
    http: { baseUrl: 'https://crm.test' },
    operations: { addNote: { hook: 'addNote', ...(withRecover ? { recover: { hook: 'findNote' } } : {}) } },
    mappings: { note: "{ 'text': $callNote(call) }" },
    hooks: ['addNote', 'findNote'],
  });
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return { crm, connector: { manifest: r.manifest, hooks: { addNote, findNote }, dir: '.' } };
}

/** One hub over the test store with one connector, one integration and one call's job. */
async function setup(connectorId: string, withRecover: boolean) {
  const { crm, connector } = notesCrm(connectorId, withRecover);
  const hub = new HubServices(
    engine,
    Registry.of([connector]),
    new Keyring([randomBytes(32)]),
    { allowPrivateUrls: false, publicUrl: 'http://127.0.0.1', backoff: { baseMs: 0, capMs: 0, maxAttempts: 5 } },
    silentLogger,
  );
  await hub.init();
  const integration = await hub.repos.integrations.create({
    tenantId: 't',
    agentId: 'a',
    type: connectorId,
    status: 'connected',
    config: {},
    fieldMappings: {},
    mappings: {},
    account: {},
  });
  const callId = `call_${connectorId}`;
  await hub.repos.calls.record(
    't',
    'a',
    normalizeCall({ call_id: callId, customer_phone: '+14155550100', call_summary: 'Wants a quote' }, 'a'),
  );
  await hub.queue.enqueue({ tenantId: 't', agentId: 'a', callId, integrationId: integration._id, type: connectorId }, { notify: false });
  const attempt = async () => {
    const job = await hub.queue.claim('w1', 60_000);
    if (!job) throw new Error('no job to claim');
    await runSyncJob(hub, job, job.leaseToken!, new AbortController().signal);
    return (await hub.queue.forCall('t', 'a', callId))[0];
  };
  return { hub, crm, attempt };
}

describe('a step whose answer was lost', () => {
  it('is marked started before its request, and the retry takes what the recovery lookup finds instead of writing again', async () => {
    const { hub, crm, attempt } = await setup('memo', true);
    crm.loseNextAnswer = true;
    const first = await attempt();
    expect(first.status).toBe('queued');
    expect(first.steps.note).toMatchObject({ status: 'started' });
    expect(Object.keys(first.steps.note)).toEqual(['status', 'at']);
    expect(crm.notes).toHaveLength(1);

    const second = await attempt();
    expect(second.status).toBe('succeeded');
    expect(crm.notes).toHaveLength(1);
    expect(crm.lookups).toBe(1);
    expect(second.steps.note).toMatchObject({ status: 'succeeded', output: { id: 'n1' } });
    const logs = await hub.repos.syncLogs.list({ tenantId: 't', integrationId: second.integrationId });
    expect(logs.find((l) => l.status === 'success')).toMatchObject({ step: 'note', recovered: true, crmIds: { id: 'n1' } });
  });

  it('writes once when the lookup finds nothing (the lost attempt never reached the CRM)', async () => {
    const { crm, attempt } = await setup('memo2', true);
    crm.loseNextAnswer = true;
    await attempt();
    crm.notes.length = 0; // as if the request had died before the CRM wrote
    const second = await attempt();
    expect(second.status).toBe('succeeded');
    expect(crm.lookups).toBe(1);
    expect(crm.notes).toHaveLength(1);
  });

  it('without a declared recovery lookup the step is written again (at-least-once), which is why connectors declare one', async () => {
    const { crm, attempt } = await setup('memo3', false);
    crm.loseNextAnswer = true;
    await attempt();
    const second = await attempt();
    expect(second.status).toBe('succeeded');
    expect(crm.lookups).toBe(0);
    expect(crm.notes).toHaveLength(2);
  });

  it('a first attempt that succeeds runs no lookup', async () => {
    const { crm, attempt } = await setup('memo4', true);
    expect((await attempt()).status).toBe('succeeded');
    expect(crm.lookups).toBe(0);
    expect(crm.notes).toHaveLength(1);
  });
});
