import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHub, type TestHub } from '../helpers/hub.js';
import { callDone, sampleCall } from '../helpers/fixtures.js';
import { startReceiver } from '../helpers/receiver.js';

let hub: TestHub;
let receiver: Awaited<ReturnType<typeof startReceiver>>;

beforeAll(async () => {
  receiver = await startReceiver();
  hub = await startTestHub({ HUB_MAX_ATTEMPTS: '2' }, { connectors: ['zapier'] });
});
afterAll(async () => {
  await hub?.close();
  await receiver?.close();
});

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(
    entries.map((e) => (e.isDirectory() ? filesUnder(join(dir, e.name)) : Promise.resolve([join(dir, e.name)]))),
  );
  return nested.flat();
}

describe('a catch-hook URL whose written form differs from its parsed form', () => {
  // An upper-case host, a query string and a character the URL parser re-encodes: the parsed form
  // (what got reports, what logs used to record) is none of the strings the tenant wrote.
  const cases = [
    {
      name: 'upper-case host and query',
      path: '/hooks/catch/123/HookSecretAa1/?sig=QuerySecretBb2',
      secrets: ['HookSecretAa1', 'QuerySecretBb2'],
    },
    { name: 're-encoded character', path: '/hooks/catch/123/Hook Secret Cc3/', secrets: ['Hook Secret Cc3', 'Hook%20Secret%20Cc3'] },
  ];
  cases.forEach((c, n) => {
    it(`${c.name}: the secret parts appear in no answer, log line or data file`, async () => {
      const AGENT = `agent_redaction_${n}`; // one integration per agent, so the call's status is this hook's
      const url = receiver.url(c.path).replace('127.0.0.1', 'LOCALHOST');
      const connected = await hub.api('POST', `/api/agents/${AGENT}/integrations/connect`, { type: 'zapier', webhook_url: url });
      expect(connected.status, JSON.stringify(connected.body)).toBe(201);
      receiver.statuses.push(500, 500);
      const callId = `call_redact_${n}`;
      expect((await hub.api('POST', `/api/agents/${AGENT}/calls`, sampleCall(callId))).status).toBe(202);
      const status = await callDone(hub.api, AGENT, callId);
      expect(status.integrations[0].status).toBe('failed');
      const logs = await hub.api('GET', `/api/agents/${AGENT}/sync-logs?status=failed`);
      expect(logs.body.logs.length).toBeGreaterThan(0);
      expect(JSON.stringify(logs.body)).toContain('localhost');
      const files = await Promise.all((await filesUnder(hub.dataDir)).map((f) => readFile(f, 'latin1')));
      const everything = [JSON.stringify(status), JSON.stringify(logs.body), JSON.stringify(connected.body), ...hub.logs, ...files].join(
        '\n',
      );
      for (const s of c.secrets) expect(everything).not.toContain(s);
    });
  });
});
