import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { specsDir, simRequest } from '@hub/simkit';
import { startRetellSim, type RetellSim } from '../../sim/index.js';
import { responseChecker } from '@hub/simkit';

const schemaProblems = responseChecker(join(specsDir(), 'retell', 'openapi.yaml'));

interface Received {
  path: string;
  signature: string;
  raw: string;
  json: { event: string; call: Record<string, any> };
}

/** A webhook receiver on 127.0.0.1 that records what arrives and answers with scripted statuses. */
async function startReceiver() {
  const got: Received[] = [];
  const statuses: number[] = [];
  const server: Server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => {
      raw += c;
    });
    req.on('end', () => {
      got.push({ path: req.url ?? '', signature: String(req.headers['x-retell-signature']), raw, json: JSON.parse(raw) });
      res.statusCode = statuses.shift() ?? 204;
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as { port: number }).port;
  return {
    got,
    statuses,
    url: (p = '/hook') => `http://127.0.0.1:${port}${p}`,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

/** Verifies x-retell-signature from first principles: HMAC-SHA256(apiKey, body + timestamp), 5-minute window. */
function verify(apiKey: string, raw: string, header: string, now = Date.now()): boolean {
  const m = /^v=(\d+),d=([0-9a-f]+)$/.exec(header);
  if (!m) return false;
  if (Math.abs(now - Number(m[1])) > 5 * 60_000) return false;
  const expected = createHmac('sha256', apiKey)
    .update(raw + m[1])
    .digest();
  const given = Buffer.from(m[2], 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

let sim: RetellSim;
let hook: Awaited<ReturnType<typeof startReceiver>>;
const FROM = '+14155550000';

async function api(method: string, path: string, body?: unknown, key?: string) {
  return simRequest(sim.url, method, path, { body, headers: { authorization: `Bearer ${key ?? sim.apiKey}` } });
}
const dial = (extra: Record<string, unknown> = {}) =>
  api('POST', '/v2/create-phone-call', { from_number: FROM, to_number: '+14155550123', ...extra });

beforeAll(async () => {
  hook = await startReceiver();
  sim = await startRetellSim({ webhookUrl: hook.url(), webhookRetryDelayMs: 10 });
});
afterAll(async () => {
  await sim.close();
  await hook.close();
});
beforeEach(() => {
  sim.reset();
  sim.configure({ signature: 'valid', skipAnalyzed: false, script: undefined });
  sim.setWebhookUrl(hook.url());
  hook.got.length = 0;
  hook.statuses.length = 0;
});

describe('outbound calls', () => {
  it('creates a call in the spec shape and plays it to the end', async () => {
    const created = await dial({ retell_llm_dynamic_variables: { customer_name: 'Grace' }, metadata: { hub_job: 'j1' } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      call_type: 'phone_call',
      direction: 'outbound',
      call_status: 'registered',
      agent_id: 'agent_sim_1',
      agent_version: 1,
      metadata: { hub_job: 'j1' },
    });
    expect(created.body.call_id).toMatch(/^[0-9a-f]{32}$/);
    expect(created.body.id).toBeUndefined();
    expect(schemaProblems('POST', '/v2/create-phone-call', 201, created.body)).toEqual([]);
    await sim.settle(created.body.call_id);
    const got = await api('GET', `/v2/get-call/${created.body.call_id}`);
    expect(schemaProblems('GET', '/v2/get-call/{call_id}', 200, got.body)).toEqual([]);
    for (const g of hook.got) expect(schemaProblems('GET', '/v2/get-call/{call_id}', 200, g.json.call)).toEqual([]);
    expect(schemaProblems('GET', '/v2/get-call/{call_id}', 200, { ...got.body, call_status: 'done' })).not.toEqual([]);
    expect(got.body).toMatchObject({
      call_status: 'ended',
      disconnection_reason: 'agent_hangup',
      duration_ms: 42_000,
      call_analysis: { call_successful: true },
    });
    expect(got.body.transcript).toContain('Hi Grace');
  });

  it('posts call_started, call_ended, call_analyzed with valid signatures and growing payloads', async () => {
    const { body } = await dial();
    await sim.settle();
    expect(hook.got.map((g) => g.json.event)).toEqual(['call_started', 'call_ended', 'call_analyzed']);
    for (const g of hook.got) {
      expect(verify(sim.apiKey, g.raw, g.signature)).toBe(true);
      expect(verify('some-other-key', g.raw, g.signature)).toBe(false);
      expect(g.json.call.call_id).toBe(body.call_id);
    }
    const [started, ended, analyzed] = hook.got.map((g) => g.json.call);
    expect(started).toMatchObject({ call_status: 'ongoing' });
    expect(started.transcript).toBeUndefined();
    expect(ended).toMatchObject({ call_status: 'ended', disconnection_reason: 'agent_hangup', duration_ms: 42_000 });
    expect(ended.transcript_object[0]).toMatchObject({ role: 'agent', words: expect.any(Array) });
    expect(ended.call_analysis).toBeUndefined();
    expect(Object.keys(analyzed.call_analysis).sort()).toEqual([
      'call_successful',
      'call_summary',
      'custom_analysis_data',
      'in_voicemail',
      'user_sentiment',
    ]);
    const recording = await fetch(ended.recording_url);
    expect(new URL(ended.recording_url).hostname).toBe('127.0.0.1');
    expect(recording.headers.get('content-type')).toBe('audio/wav');
    expect(sim.deliveries.map((d) => d.status)).toEqual([204, 204, 204]);
  });

  it('takes scripted analysis from dynamic variables or from a test function', async () => {
    const script = {
      call_analysis: { user_sentiment: 'Negative', call_successful: false, custom_analysis_data: { wants_callback: true } },
      disconnection_reason: 'user_hangup',
    };
    await dial({ retell_llm_dynamic_variables: { sim_script: JSON.stringify(script) } });
    await sim.settle();
    const analyzed = hook.got.find((g) => g.json.event === 'call_analyzed')?.json.call;
    expect(analyzed).toMatchObject({ disconnection_reason: 'user_hangup', call_analysis: script.call_analysis });
    hook.got.length = 0;
    sim.configure({ script: (c) => ({ call_analysis: { call_summary: `Summary for ${c.to_number}` }, duration_ms: 5000 }) });
    await dial();
    await sim.settle();
    expect(hook.got[2].json.call).toMatchObject({ duration_ms: 5000, call_analysis: { call_summary: 'Summary for +14155550123' } });
  });

  it('skips call_analyzed, and reports an unanswered call with call_ended only', async () => {
    sim.configure({ skipAnalyzed: true });
    await dial();
    await sim.settle();
    expect(hook.got.map((g) => g.json.event)).toEqual(['call_started', 'call_ended']);
    hook.got.length = 0;
    sim.configure({ skipAnalyzed: false, script: () => ({ outcome: 'not_connected', disconnection_reason: 'dial_busy' }) });
    await dial();
    await sim.settle();
    expect(hook.got.map((g) => [g.json.event, g.json.call.call_status, g.json.call.disconnection_reason])).toEqual([
      ['call_ended', 'not_connected', 'dial_busy'],
    ]);
  });

  it('sends to the agent webhook when the agent has one', async () => {
    sim.setWebhookUrl(hook.url('/agent-hook'), 'agent_sim_1');
    await dial();
    await sim.settle();
    expect(new Set(hook.got.map((g) => g.path))).toEqual(new Set(['/agent-hook']));
    sim.setWebhookUrl(undefined, 'agent_sim_1');
  });
});

describe('webhook faults', () => {
  it('signs with a wrong key or a stale timestamp on demand', async () => {
    sim.configure({ signature: 'bad' });
    await dial();
    await sim.settle();
    expect(hook.got.every((g) => !verify(sim.apiKey, g.raw, g.signature))).toBe(true);
    hook.got.length = 0;
    sim.configure({ signature: 'stale' });
    await dial();
    await sim.settle();
    const g = hook.got[0];
    expect(verify(sim.apiKey, g.raw, g.signature)).toBe(false);
    // The digest itself is right: only the timestamp is outside the window.
    expect(verify(sim.apiKey, g.raw, g.signature, Number(/v=(\d+)/.exec(g.signature)?.[1]))).toBe(true);
  });

  it('takes the fault knobs over the admin routes too', async () => {
    const set = await fetch(`${sim.url}/__sim/retell/configure`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ skipAnalyzed: true, signature: 'bad' }),
    });
    expect(await set.json()).toMatchObject({ skipAnalyzed: true, signature: 'bad' });
    await dial();
    await sim.settle();
    expect(hook.got.map((g) => g.json.event)).toEqual(['call_started', 'call_ended']);
    const log = await (await fetch(`${sim.url}/__sim/retell/deliveries`)).json();
    expect(log.map((d: { status: number }) => d.status)).toEqual([204, 204]);
  });

  it('retries an event the receiver refuses and records every status', async () => {
    hook.statuses.push(500, 503);
    await dial();
    await sim.settle();
    expect(sim.deliveries.map((d) => [d.event, d.attempt, d.status])).toEqual([
      ['call_started', 1, 500],
      ['call_started', 2, 503],
      ['call_started', 3, 204],
      ['call_ended', 1, 204],
      ['call_analyzed', 1, 204],
    ]);
  });
});

describe('contract, auth, limits and faults', () => {
  it('answers 400 in Retell shape when the body breaks the spec, 422 for numbers it does not own, 401 for a bad key', async () => {
    const missing = await api('POST', '/v2/create-phone-call', { from_number: FROM });
    expect(missing.status).toBe(400);
    expect(missing.body.status).toBe('error');
    expect(missing.body.message).toMatch(/to_number/);
    expect(sim.violations).toHaveLength(1);
    expect((await dial({ to_number: '4155550123' })).status).toBe(400);
    expect((await dial({ from_number: '+14155559999' })).status).toBe(422);
    expect((await dial({ override_agent_id: 'agent_nope' })).status).toBe(422);
    expect(await api('GET', '/v2/get-call/abc', undefined, 'wrong')).toMatchObject({
      status: 401,
      body: { status: 'error', message: 'API key is missing or invalid.' },
    });
    expect(sim.calls.size).toBe(0);
  });

  it('rate limits per key with Retry-After, and injects 429, 5xx and slow answers', async () => {
    const small = await startRetellSim({ rateLimit: { limit: 2, windowMs: 60_000 } });
    try {
      const get = () => fetch(`${small.url}/v2/get-call/x`, { headers: { authorization: `Bearer ${small.apiKey}` } });
      await get();
      await get();
      const over = await get();
      expect(over.status).toBe(429);
      expect(Number(over.headers.get('retry-after'))).toBeGreaterThan(0);
      expect((await over.json()).status).toBe('error');
    } finally {
      await small.close();
    }
    sim.inject({ path: '/v2/create-phone-call', status: 429, headers: { 'Retry-After': '3' } });
    sim.inject({ path: '/v2/create-phone-call', status: 500 });
    sim.inject({ path: /^\/v2\/get-call\//, delayMs: 250 });
    const limited = await dial();
    expect([limited.status, limited.headers.get('retry-after')]).toEqual([429, '3']);
    expect(await dial()).toMatchObject({ status: 500, body: { status: 'error' } });
    const t0 = Date.now();
    expect((await api('GET', '/v2/get-call/none')).status).toBe(404);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(240);
  });
});
