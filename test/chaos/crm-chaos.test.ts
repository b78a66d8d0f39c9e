import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHubspotSim, type HubspotSim } from '@hub/connector-hubspot/sim';
import { startGohighlevelSim, type GohighlevelSim } from '../../connectors/gohighlevel/sim/index.js';
import { startTestHub, type TestHub } from '../helpers/hub.js';
import { PUBLIC_URL, callDone, connectOAuth, expectNoSecretsLogged } from '../helpers/oauth.js';
import { faultPlan, prng, type FaultMix } from './fault-plan.js';

// CHAOS_SEED replays a run: the seed decides every fault, and it is printed with each failure.
const SEED = Number(process.env.CHAOS_SEED ?? 20260215);
// CHAOS_CALLS makes the run longer (`pnpm proof faults` runs 400); the plan scales with it.
const CALLS = Number(process.env.CHAOS_CALLS ?? 40);
const PHONES = 15;
const AGENT = 'agent_chaos';
// One request in five meets a fault: 429, 500, 503, no answer before the timeout, a dropped connection.
const mix: FaultMix = { rateLimited: 0.05, serverError: 0.04, unavailable: 0.04, timeout: 0.03, dropped: 0.04, slow: 0.05 };
// Note and call-log creates also lose answers after the CRM wrote: only a recovery lookup keeps them single.
const createMix: FaultMix = { ...mix, droppedAfter: 0.15 };
const tag = (i: number) => `[chaos-${String(i).padStart(2, '0')}]`;
const phoneOf = (i: number) => `+1407555${2000 + (i % PHONES)}`;

let hs: HubspotSim;
let ghl: GohighlevelSim;
let hub: TestHub;
const plans: Record<string, unknown> = {};
const lostAnswers: Record<string, number> = {};

/** The i-th call: phones repeat every PHONES calls; half the callers also give an email. */
function call(i: number): Record<string, unknown> {
  const p = i % PHONES;
  return {
    call_id: `chaos_${i}`,
    customer_name: `Caller ${p} Chaos`,
    customer_phone: phoneOf(i),
    customer_email: p % 2 === 0 ? `caller${p}@example.com` : null,
    call_outcome: 'message_taken',
    call_summary: `Asked about a roof repair ${tag(i)}`,
    call_sentiment: 'neutral',
    started_at: '2026-02-15T14:30:00Z',
    ended_at: '2026-02-15T14:35:00Z',
    duration_seconds: 300,
  };
}

beforeAll(async () => {
  // Search lags writes, as HubSpot's does, so duplicates cannot be avoided by searching alone.
  hs = await startHubspotSim({ searchPerSecond: 20, searchIndexLagMs: 1000 });
  ghl = await startGohighlevelSim();
  hub = await startTestHub(
    {
      HUB_PUBLIC_URL: PUBLIC_URL,
      // A 1 s request timeout, so `timeout` faults (held 1.5 s) cost seconds, not minutes.
      HUB_CONNECTOR_OVERRIDES: JSON.stringify({
        hubspot: { baseUrl: hs.url, authorizeUrl: `${hs.url}/oauth/authorize`, tokenUrl: `${hs.url}/oauth/v1/token`, timeoutMs: 1000 },
        gohighlevel: { baseUrl: ghl.url, timeoutMs: 1000 },
      }),
      HUB_OAUTH_HUBSPOT_CLIENT_ID: 'hubspot-client',
      HUB_OAUTH_HUBSPOT_CLIENT_SECRET: 'hubspot-secret',
      HUB_RETRY_BASE_MS: '20',
      HUB_MAX_ATTEMPTS: '15',
      HUB_WORKER_CONCURRENCY: '8',
    },
    { connectors: ['hubspot', 'gohighlevel'] },
  );
  await connectOAuth(hub, hub.api, AGENT, { type: 'hubspot' });
  const g = await hub.api('POST', `/api/agents/${AGENT}/integrations/connect`, {
    type: 'gohighlevel',
    api_key: ghl.token,
    config: { location_id: ghl.locationId },
  });
  expect(g.status).toBe(201);
  // Faults start once both are connected: the chaos is in the syncing, not in the setup.
  const random = prng(SEED);
  const sims = [
    ['hubspot', hs, /^\/(crm|automation)\//, /^\/crm\/v3\/objects\/(notes|calls)$/],
    ['gohighlevel', ghl, /^\/(contacts|opportunities|calendars|workflows)\//, /^\/contacts\/[^/]+\/notes$/],
  ] as const;
  for (const [name, sim, path, creates] of sims) {
    // The create plan goes first: the simulator takes the first matching fault, so creates meet it until it runs out.
    const forCreates = faultPlan(random, creates, CALLS * 1.5, createMix, 'POST');
    const { faults, summary } = faultPlan(random, path, CALLS * 10, mix);
    for (const f of [...forCreates.faults, ...faults]) sim.inject(f);
    plans[name] = { ...summary, creates: forCreates.summary };
    lostAnswers[name] = forCreates.summary.droppedAfter;
  }
}, 30_000);
afterAll(async () => {
  await hub?.close();
  await hs?.close();
  await ghl?.close();
});

describe(`chaos: HubSpot and GoHighLevel under random faults (CHAOS_SEED=${SEED})`, () => {
  it(
    'every call syncs exactly once: one contact per phone, one note per call, one call log per call',
    { timeout: 90_000 + CALLS * 1500 },
    async () => {
      const began = Date.now();
      const why = `CHAOS_SEED=${SEED}, plans ${JSON.stringify(plans)}`;
      const post = (i: number) => hub.api('POST', `/api/agents/${AGENT}/calls`, call(i));
      for (let start = 0; start < CALLS; start += 10) {
        // Every fourth call is delivered twice at once, as a platform retrying a slow answer would.
        const batch = Array.from({ length: 10 }, (_, k) => start + k).flatMap((i) => (i % 4 === 0 ? [post(i), post(i)] : [post(i)]));
        for (const res of await Promise.all(batch)) expect(res.status, why).toBe(202);
        // Halfway through, every HubSpot access token expires and the first refresh meets a 503.
        if (start === 10) {
          hs.inject({ path: '/oauth/v1/token', status: 503, times: 1 });
          hs.oauth.expireAccessTokens();
        }
      }
      for (let i = 0; i < CALLS; i++) {
        const done = await callDone(hub.api, AGENT, `chaos_${i}`, 60_000 + CALLS * 500);
        expect(
          done.integrations.map((j: { type: string; status: string }) => `${j.type}:${j.status}`).sort(),
          `${why}\n${JSON.stringify(done)}`,
        ).toEqual(['gohighlevel:succeeded', 'hubspot:succeeded']);
      }

      const hsContacts = hs.state.collection<{ properties: Record<string, string> }>('contacts').all();
      const ghlContacts = ghl.contacts.all() as Array<{ phone?: string }>;
      for (let p = 0; p < PHONES; p++) {
        expect(
          hsContacts.filter((c) => c.properties.phone === phoneOf(p)),
          `${why}: HubSpot contacts for ${phoneOf(p)}`,
        ).toHaveLength(1);
        expect(
          ghlContacts.filter((c) => c.phone === phoneOf(p)),
          `${why}: GoHighLevel contacts for ${phoneOf(p)}`,
        ).toHaveLength(1);
      }
      expect(hsContacts).toHaveLength(PHONES);
      expect(ghlContacts).toHaveLength(PHONES);
      const hsNotes = hs.state
        .collection<{ properties: Record<string, string> }>('notes')
        .all()
        .map((n) => n.properties.hs_note_body);
      const hsCalls = hs.state
        .collection<{ properties: Record<string, string> }>('calls')
        .all()
        .map((c) => c.properties.hs_call_body);
      const ghlNotes = (ghl.notes.all() as Array<{ body?: string }>).map((n) => n.body ?? '');
      for (let i = 0; i < CALLS; i++) {
        expect(
          hsNotes.filter((b) => b.includes(tag(i))),
          `${why}: HubSpot notes of call ${i}`,
        ).toHaveLength(1);
        expect(
          hsCalls.filter((b) => b.includes(tag(i))),
          `${why}: HubSpot call logs of call ${i}`,
        ).toHaveLength(1);
        expect(
          ghlNotes.filter((b) => b.includes(tag(i))),
          `${why}: GoHighLevel notes of call ${i}`,
        ).toHaveLength(1);
      }

      // The run met every kind of fault, and the expired token was refreshed.
      const statuses = [...hs.requests, ...ghl.requests].map((r) => r.status);
      for (const s of [429, 500, 503]) expect(statuses, `${why}: no ${s} was served`).toContain(s);
      expect(statuses.filter((s) => s === undefined).length, `${why}: no connection was dropped`).toBeGreaterThan(0);
      expect(hs.oauth.refreshCount, why).toBeGreaterThanOrEqual(1);
      expect(hs.violations, why).toEqual([]);
      expect(ghl.violations, why).toEqual([]);
      // Answers were lost after the CRM wrote, and the retries recovered those records instead of writing again.
      expect(lostAnswers.hubspot, why).toBeGreaterThan(0);
      expect(lostAnswers.gohighlevel, why).toBeGreaterThan(0);
      const logs = (await hub.api('GET', `/api/agents/${AGENT}/sync-logs?status=success&limit=1000`)).body.logs as Array<{
        type: string;
        recovered?: boolean;
      }>;
      for (const type of ['hubspot', 'gohighlevel'])
        expect(logs.filter((l) => l.type === type && l.recovered).length, `${why}: ${type} recoveries`).toBeGreaterThan(0);
      const served = [...hs.requests, ...ghl.requests];
      const count = (s: number | undefined) => served.filter((r) => r.status === s).length;
      const faulted = count(429) + count(500) + count(503) + count(undefined);
      console.log(
        `[proof faults] CHAOS_SEED=${SEED}: ${CALLS} calls x 2 CRMs synced exactly once in ${((Date.now() - began) / 1000).toFixed(1)} s; ` +
          `${served.length} CRM requests, ${faulted} faulted (${((faulted / served.length) * 100).toFixed(1)}%): 429 ${count(429)}, 500 ${count(500)}, 503 ${count(503)}, ` +
          `no answer (timeouts, drops, lost answers) ${count(undefined)}; lost answers after a write ${lostAnswers.hubspot + lostAnswers.gohighlevel} planned, ` +
          `${logs.filter((l) => l.recovered).length} steps recovered by lookup; contacts ${hsContacts.length}+${ghlContacts.length} for ${PHONES} phones; notes ${hsNotes.length}+${ghlNotes.length}, call logs ${hsCalls.length} for ${CALLS} calls`,
      );
    },
  );

  it('the hub logged no client secret, token, authorization code or API key', () => {
    expectNoSecretsLogged(hub.logs, 'hubspot-secret');
    expect(hub.logs.join('\n')).not.toContain(ghl.token);
  });
});
