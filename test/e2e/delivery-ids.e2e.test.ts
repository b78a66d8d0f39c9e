import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHub, type TestHub } from '../helpers/hub.js';
import { callDone, sampleCall } from '../helpers/fixtures.js';
import { startReceiver } from '../helpers/receiver.js';

let hub: TestHub;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
const AGENT = 'agent_delivery_ids';

beforeAll(async () => {
  receiver = await startReceiver();
  hub = await startTestHub({}, { connectors: ['zapier'] });
});
afterAll(async () => {
  await hub?.close();
  await receiver?.close();
});

describe('webhook delivery ids', () => {
  it('every retry of a Zapier delivery carries the same Idempotency-Key; another call gets another', async () => {
    const res = await hub.api('POST', `/api/agents/${AGENT}/integrations/connect`, {
      type: 'zapier',
      webhook_url: receiver.url('/hooks/catch/1/ids/'),
    });
    expect(res.status).toBe(201);
    const seen = receiver.got.length; // a connect test event, if any, is not a call delivery
    receiver.statuses.push(500, 502); // two failed attempts, then the default 204
    const posted = await hub.api('POST', `/api/agents/${AGENT}/calls`, sampleCall('call_ids_1'));
    const status = await callDone(hub.api, AGENT, 'call_ids_1');
    expect(status.integrations[0]).toMatchObject({ status: 'succeeded', attempts: 3 });
    const keys = receiver.got.slice(seen).map((r) => r.headers['idempotency-key']);
    expect(keys).toEqual([`${posted.body.jobs[0].id}:event`, `${posted.body.jobs[0].id}:event`, `${posted.body.jobs[0].id}:event`]);

    await hub.api('POST', `/api/agents/${AGENT}/calls`, sampleCall('call_ids_2'));
    await callDone(hub.api, AGENT, 'call_ids_2');
    const last = receiver.got.at(-1)!;
    expect(last.headers['idempotency-key']).toMatch(/^job_.+:event$/);
    expect(last.headers['idempotency-key']).not.toBe(keys[0]);
  });
});
