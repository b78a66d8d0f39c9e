import { describe, expect, it } from 'vitest';
import { validateManifest } from '@hub/manifests';
import { ConnectorRuntime } from '../../src/engine/runtime.js';
import { silentLogger, type Hook } from '../../src/engine/types.js';
import { normalizeCall } from '../../src/sync/call-data.js';
import { runStep, skipReason } from '../../src/sync/step-runner.js';

/** A CRM made of hooks that records every operation it runs. */
function crm(operations: Record<string, Record<string, unknown>>, capabilities = ['contacts', 'notes', 'appointments', 'workflows']) {
  const ran: Array<[string, unknown]> = [];
  const hook =
    (name: string, answer: unknown): Hook =>
    async (_ctx, input) => (ran.push([name, input]), answer);
  const hooks: Record<string, Hook> = {
    upsertContact: hook('upsertContact', { id: 7, via: 'upsert' }),
    findContact: hook('findContact', null),
    createContact: hook('createContact', { id: 'c_new' }),
    addNote: hook('addNote', { id: 'n1' }),
    findNote: hook('findNote', { id: 'n_found' }),
    missingNote: hook('missingNote', null),
    bookAppointment: hook('bookAppointment', { id: 'a1' }),
    triggerWorkflow: hook('triggerWorkflow', { ok: true }),
  };
  const r = validateManifest({
    id: 'runner',
    name: 'Runner',
    version: '1.0.0',
    manifestVersion: 1,
    capabilities,
    auth: { type: 'none' },
    http: { baseUrl: 'https://crm.test' },
    operations,
    mappings: { contact: "{ 'phone': call.customer_phone }", note: "{ 'text': call.call_summary }" },
    hooks: Object.keys(hooks),
  });
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  const rt = new ConnectorRuntime(
    { manifest: r.manifest, hooks, dir: '.' },
    { view: { id: 'int_1', tenantId: 't', agentId: 'a', type: 'runner', account: {} }, config: {}, credentials: {} },
    { allowPrivateUrls: false, limiters: new Map(), logger: silentLogger },
  );
  return { rt, ran };
}

const ctxOf = (over: Record<string, unknown> = {}, steps: Record<string, unknown> = {}) => ({
  call: normalizeCall({ call_id: 'c1', customer_phone: '+14155550100', call_summary: 'Called about a roof', ...over }, 'a') as Record<
    string,
    unknown
  >,
  steps,
});

describe('runStep: the one step runner of the engine, the CLI and the connector tests', () => {
  it('contact: prefers the native upsert, stringifies the id and hands it to later steps', async () => {
    const { rt, ran } = crm({
      upsertContact: { hook: 'upsertContact' },
      findContact: { hook: 'findContact' },
      createContact: { hook: 'createContact' },
      addNote: { hook: 'addNote' },
    });
    const ctx = ctxOf();
    expect(await runStep(rt, 'contact', ctx)).toEqual({ status: 'succeeded', output: { id: '7', via: 'upsert' }, recovered: false });
    expect(ran.map(([n]) => n)).toEqual(['upsertContact']);
    await runStep(rt, 'note', ctx);
    expect(ctx.steps).toEqual({ contact: { id: '7', via: 'upsert' }, note: { id: 'n1' } });
  });

  it('contact: without an upsert, searches then creates with the contact mapping as input', async () => {
    const { rt, ran } = crm({ findContact: { hook: 'findContact' }, createContact: { hook: 'createContact' } });
    expect(await runStep(rt, 'contact', ctxOf())).toMatchObject({ status: 'succeeded', output: { id: 'c_new' } });
    expect(ran).toEqual([
      ['findContact', { phone: '+14155550100' }],
      ['createContact', { phone: '+14155550100' }],
    ]);
  });

  it('skips with the reason a job records, and sends nothing', async () => {
    const { rt, ran } = crm({
      createContact: { hook: 'createContact' },
      addNote: { hook: 'addNote' },
      bookAppointment: { hook: 'bookAppointment' },
      triggerWorkflow: { hook: 'triggerWorkflow', when: 'config.workflow_id ? true : false' },
    });
    expect(await runStep(rt, 'contact', ctxOf({ customer_phone: null }))).toEqual({
      status: 'skipped',
      reason: 'the call has no customer phone or email',
    });
    expect(await skipReason('note', rt, ctxOf())).toBe('there is no contact to attach it to');
    const withContact = ctxOf({ call_summary: null }, { contact: { id: 'c' } });
    expect(await skipReason('note', rt, withContact)).toBe('the call has no summary or transcript');
    expect(await skipReason('appointment', rt, withContact)).toBe('no appointment was booked');
    expect(await skipReason('workflow', rt, withContact)).toBe('triggerWorkflow does not apply (its "when" is false)');
    expect(await skipReason('opportunity', rt, withContact)).toMatch(/does not run the opportunity step/);
    expect(ran).toEqual([]);
  });

  it('marks a fresh step started before its request; a started one asks the recovery lookup first', async () => {
    const { rt, ran } = crm({ createContact: { hook: 'createContact' }, addNote: { hook: 'addNote', recover: { hook: 'findNote' } } });
    const marks: string[] = [];
    const fresh = await runStep(rt, 'note', ctxOf({}, { contact: { id: 'c' } }), {
      markStarted: async () => void marks.push(`marked after ${ran.length} requests`),
    });
    expect(fresh).toEqual({ status: 'succeeded', output: { id: 'n1' }, recovered: false });
    expect(marks).toEqual(['marked after 0 requests']);
    ran.length = 0;
    const again = await runStep(rt, 'note', ctxOf({}, { contact: { id: 'c' } }), {
      started: true,
      markStarted: async () => void marks.push('again'),
    });
    expect(again).toEqual({ status: 'succeeded', output: { id: 'n_found' }, recovered: true });
    expect(ran.map(([n]) => n)).toEqual(['findNote']);
    expect(marks).toHaveLength(1);
  });

  it('a started step whose lookup finds nothing is sent again', async () => {
    const { rt, ran } = crm({ createContact: { hook: 'createContact' }, addNote: { hook: 'addNote', recover: { hook: 'missingNote' } } });
    expect(await runStep(rt, 'note', ctxOf({}, { contact: { id: 'c' } }), { started: true })).toMatchObject({
      recovered: false,
      output: { id: 'n1' },
    });
    expect(ran.map(([n]) => n)).toEqual(['missingNote', 'addNote']);
  });
});
