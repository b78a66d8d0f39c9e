import { randomBytes } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_LOCATION, startGohighlevelSim, type GohighlevelSim } from '../../connectors/gohighlevel/sim/index.js';
import { startPipedriveSim, type PipedriveSim } from '../../connectors/pipedrive/sim/index.js';
import { eventually, startTestHub, type Api, type TestHub } from '../helpers/hub.js';
import { sampleCall } from '../helpers/fixtures.js';
import { startReceiver } from '../helpers/receiver.js';

// Distinctive secrets planted everywhere a tenant can hand the hub one; the scan looks for each, as
// written and URL-encoded, in every log line, every API answer and every byte of the data folder.
const planted = (name: string) => `planted${name}${randomBytes(12).toString('hex')}`;
const S = {
  ghl: `pit-${planted('ghl')}`,
  pipedrive: planted('pd'),
  hookPath: planted('hook'),
  healthPath: planted('health'),
  metrics: planted('metrics'),
};
const AGENT = 'agent_planted';
let hub: TestHub;
let ghl: GohighlevelSim;
let pd: PipedriveSim;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
const answers: string[] = [];
const secrets: string[] = [];

beforeAll(async () => {
  ghl = await startGohighlevelSim({ privateTokens: { [S.ghl]: DEFAULT_LOCATION } });
  pd = await startPipedriveSim({ apiTokens: [S.pipedrive] });
  receiver = await startReceiver();
  hub = await startTestHub(
    {
      HUB_METRICS_TOKEN: S.metrics,
      HUB_MAX_ATTEMPTS: '2',
      HUB_CONNECTOR_OVERRIDES: JSON.stringify({ gohighlevel: { baseUrl: ghl.url }, pipedrive: { baseUrl: `${pd.url}/v1` } }),
    },
    { connectors: ['zapier', 'gohighlevel', 'pipedrive'] },
  );
  secrets.push(...Object.values(S), hub.tenant.apiKey);
});
afterAll(async () => {
  await hub?.close();
  await Promise.all([ghl?.close(), pd?.close(), receiver?.close()]);
});

/** The tenant's Api, keeping every answer body for the scan. */
const api: Api = async (method, path, body, headers) => {
  const res = await hub.api(method, path, body, headers);
  answers.push(`${method} ${path} ${res.status} ${typeof res.body === 'string' ? res.body : JSON.stringify(res.body)}`);
  return res;
};
const settled = (callId: string) =>
  eventually(
    async () => {
      const jobs = (await api('GET', `/api/agents/${AGENT}/calls/${callId}`)).body.integrations ?? [];
      return jobs.length === 3 && jobs.every((j: { status: string }) => j.status === 'succeeded' || j.status === 'failed');
    },
    20_000,
    `call ${callId} to settle`,
  );

async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await filesUnder(path)));
    else out.push(path);
  }
  return out;
}

describe('planted secrets appear in no log line, no answer and no data file', () => {
  it('connect, sync, fail, test, preview, read everything, then scan', { timeout: 60_000 }, async () => {
    const ids = [
      (
        await api('POST', `/api/agents/${AGENT}/integrations/connect`, {
          type: 'gohighlevel',
          api_key: S.ghl,
          config: { location_id: DEFAULT_LOCATION },
        })
      ).body.id,
      (await api('POST', `/api/agents/${AGENT}/integrations/connect`, { type: 'pipedrive', auth_data: { api_key: S.pipedrive } })).body.id,
      (
        await api('POST', `/api/agents/${AGENT}/integrations/connect`, {
          type: 'zapier',
          webhook_url: receiver.url(`/hooks/catch/1/${S.hookPath}/?k=${S.hookPath}`),
        })
      ).body.id,
    ];
    expect(ids.every(Boolean)).toBe(true);
    await api('PUT', '/api/health-webhook', { url: receiver.url(`/health/${S.healthPath}`) });
    await api('POST', `/api/agents/${AGENT}/calls`, sampleCall('planted_ok'));
    await settled('planted_ok');
    // Failures everywhere: refusals carrying the CRMs' messages, and a catch hook answering 500.
    ghl.inject({ path: /contacts/, status: 422, body: { message: 'phone invalid' }, times: 4 });
    pd.inject({ path: /persons/, status: 500, times: 4 });
    receiver.statuses.push(500, 500, 500, 500);
    await api('POST', `/api/agents/${AGENT}/calls/bulk`, [sampleCall('planted_fail')]);
    await settled('planted_fail');
    for (const id of ids) {
      await api('POST', `/api/agents/${AGENT}/integrations/${id}/test`);
      await api('POST', `/api/agents/${AGENT}/integrations/${id}/mappings/preview`, {});
      await api('GET', `/api/agents/${AGENT}/integrations/${id}`);
      await api('PUT', `/api/agents/${AGENT}/integrations/${id}`, { name: 'renamed' });
    }
    for (const path of [
      `/api/agents/${AGENT}/integrations`,
      `/api/agents/${AGENT}/sync-logs?limit=1000`,
      '/api/stats/sync',
      '/api/health-webhook',
      `/api/agents/${AGENT}/calls/planted_fail`,
    ])
      await api('GET', path);
    answers.push(await (await fetch(`${hub.url}/metrics`, { headers: { authorization: `Bearer ${S.metrics}` } })).text());
    await hub.running.hub.engine.close?.().catch(() => undefined);

    const files = await filesUnder(hub.dataDir);
    const data = await Promise.all(files.map(async (f) => ({ f, text: (await readFile(f)).toString('latin1') })));
    const bytes = (await Promise.all(files.map((f) => stat(f)))).reduce((n, s) => n + s.size, 0);
    const hits: string[] = [];
    for (const secret of secrets) {
      for (const form of new Set([secret, encodeURIComponent(secret)])) {
        hub.logs.forEach((line, n) => line.includes(form) && hits.push(`log line ${n}: ${line.slice(0, 200)}`));
        answers.forEach((a) => a.includes(form) && hits.push(`answer: ${a.slice(0, 200)}`));
        data.forEach(({ f, text }) => text.includes(form) && hits.push(`data file ${f}`));
      }
    }
    console.log(
      `[proof secrets] ${secrets.length} planted secrets (CRM API keys, a catch-hook path and query, a health-webhook path, the tenant key, the metrics token) ` +
        `scanned in ${hub.logs.length} log lines (${(hub.logs.join('').length / 1024).toFixed(0)} KB), ${answers.length} API answers (${(answers.join('').length / 1024).toFixed(0)} KB) ` +
        `and ${files.length} data files (${(bytes / 1024).toFixed(0)} KB): ${hits.length} found`,
    );
    expect(hits).toEqual([]);
    // Every answered request left its log line (one each), so the scan saw what each request logged.
    expect(hub.logs.filter((line) => line.includes('"request completed"')).length).toBeGreaterThanOrEqual(answers.length);
    // The scan reads what is stored as text: a call id the hub stored is found the same way.
    expect(data.some(({ text }) => text.includes('planted_fail'))).toBe(true);
  });
});
