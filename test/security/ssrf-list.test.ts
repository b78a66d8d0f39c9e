import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHub, type TestHub } from '../helpers/hub.js';

/** Addresses a tenant URL must never reach, in the spellings attackers use. */
const TARGETS = [
  'http://hooks.zapier.com/hooks/catch/1/a/',
  'https://user:pass@hooks.zapier.com/hooks/catch/1/a/',
  'file:///etc/passwd',
  'gopher://127.0.0.1:25/_HELO',
  'ftp://127.0.0.1/',
  'https://127.0.0.1/',
  'https://127.1/',
  'https://2130706433/',
  'https://0x7f000001/',
  'https://017700000001/',
  'https://0.0.0.0/',
  'https://127.0.0.1:6379/',
  'https://[::1]/',
  'https://[::]/',
  'https://[0:0:0:0:0:0:0:1]/',
  'https://[::ffff:127.0.0.1]/',
  'https://[::ffff:7f00:1]/',
  'https://[::127.0.0.1]/',
  'https://localhost/',
  'https://localhost./',
  'https://LOCALHOST/',
  'https://api.localhost/',
  'https://metadata.google.internal/computeMetadata/v1/',
  'https://169.254.169.254/latest/meta-data/',
  'https://[::ffff:a9fe:a9fe]/',
  'https://[fd00:ec2::254]/',
  'https://100.100.100.200/latest/meta-data/',
  'https://10.0.0.1/',
  'https://172.16.0.1/',
  'https://192.168.1.1/',
  'https://[fe80::1]/',
  'https://[fc00::1]/',
  'https://224.0.0.1/',
  'https://255.255.255.255/',
];

let hub: TestHub;
let zapId: string;
const rows: string[] = [];

beforeAll(async () => {
  // No HUB_ALLOW_PRIVATE_URLS: tenant URLs are held to the production rules.
  hub = await startTestHub({ HUB_ALLOW_PRIVATE_URLS: '0' }, { connectors: ['zapier'] });
  zapId = (
    await hub.running.hub.repos.integrations.create({
      tenantId: hub.tenant.tenantId,
      agentId: 'agent_ssrf',
      type: 'zapier',
      name: 'Zapier',
      status: 'connected',
      config: {},
      fieldMappings: {},
      mappings: {},
      account: {},
      credentials: { webhook_url: 'https://hooks.zapier.com/hooks/catch/1/ok/' },
    })
  )._id;
});
afterAll(async () => {
  const refused = rows.filter((r) => r.endsWith('refused')).length;
  console.log(
    `[proof ssrf] ${TARGETS.length} targets x 3 inputs (connect webhook_url, PUT webhook_url, health webhook url): ${refused}/${rows.length} refused with 400 naming the field`,
  );
  await hub?.close();
});

describe('SSRF: every target is refused where the URL is given, naming the field', () => {
  it.each(TARGETS)('%s', async (url) => {
    const inputs: Array<[string, () => ReturnType<TestHub['api']>, string]> = [
      [
        'connect',
        () => hub.api('POST', '/api/agents/agent_ssrf/integrations/connect', { type: 'zapier', webhook_url: url }),
        'webhook_url',
      ],
      ['put', () => hub.api('PUT', `/api/agents/agent_ssrf/integrations/${zapId}`, { webhook_url: url }), 'webhook_url'],
      ['health webhook', () => hub.api('PUT', '/api/health-webhook', { url }), 'url'],
    ];
    for (const [name, send, field] of inputs) {
      const res = await send();
      const refused = res.status === 400 && res.body.field === field;
      rows.push(`${name} ${url} ${refused ? 'refused' : `NOT refused: ${res.status} ${JSON.stringify(res.body).slice(0, 120)}`}`);
      expect(res.status, `${name}: ${JSON.stringify(res.body)}`).toBe(400);
      expect(res.body.field).toBe(field);
    }
  });

  it('nothing refused was stored: one integration, its public URL kept, no health webhook', async () => {
    expect((await hub.api('GET', '/api/agents/agent_ssrf/integrations')).body.integrations).toHaveLength(1);
    expect((await hub.api('GET', '/api/health-webhook')).body).toEqual({ configured: false });
  });
});
