import { startGohighlevelSim } from '@hub/connector-gohighlevel/sim';
import { startTestHub } from '../helpers/hub.js';
import { connectVoice, retellCall, signedPost, withRetellSim } from '../helpers/voice.js';

/**
 * Latency of the voice agent's own use of the CRMs through the real server, against the GoHighLevel
 * simulator (calendar, contacts): each mid-call tool and the inbound caller lookup, N sequential
 * signed requests each, p50/p99/max printed. BENCH_N sets N (default 200).
 */
const N = Number(process.env.BENCH_N ?? 200);
const KEY = 'key_bench_voice_000000000000';
const AGENT = 'agent_bench_voice';

const ghl = await startGohighlevelSim({ rateLimit: { limit: 1_000_000, daily: 100_000_000 } });
const { retell, env } = await withRetellSim(
  { LOG_LEVEL: 'warn', HUB_CONNECTOR_OVERRIDES: JSON.stringify({ gohighlevel: { baseUrl: ghl.url } }) },
  KEY,
);
const hub = await startTestHub(env, { connectors: ['gohighlevel', 'retell'] });
const connect = await hub.api('POST', `/api/agents/${AGENT}/integrations/connect`, {
  type: 'gohighlevel',
  api_key: ghl.token,
  config: { location_id: ghl.locationId, calendar_id: 'cal_sim_1', user_id: 'user_sim_1' },
});
if (connect.status !== 201) throw new Error(`connect: ${JSON.stringify(connect.body)}`);
const voice = await connectVoice(hub.api, AGENT, KEY);

/** `n` local half-hour starts, 09:00 to 16:30, on the weekdays from `firstDay` days ahead on. */
function weekdayStarts(firstDay: number, n: number): string[] {
  const out: string[] = [];
  for (let day = firstDay; out.length < n; day++) {
    const d = new Date(Date.now() + day * 86_400_000);
    if (d.getUTCDay() === 0 || d.getUTCDay() === 6) continue;
    for (let m = 9 * 60; m < 17 * 60 && out.length < n; m += 30) {
      out.push(`${d.toISOString().slice(0, 10)}T${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}:00`);
    }
  }
  return out;
}
// Weekdays from two weeks ahead, 16 half-hour slots each (09:00-17:00 New York): one distinct start per booking.
const starts = weekdayStarts(14, N);
const phone = (i: number) => `+1415555${String(1000 + (i % 9000)).padStart(4, '0')}`;

// GoHighLevel allows 100 requests per 10 s per location and the hub's limiter keeps to that, so rows
// start on a fresh window and rows that spend several requests per call are paced under the quota;
// otherwise the figures would measure the limiter's queue, not the tools.
const WINDOW_MS = 10_500;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function measure(
  name: string,
  make: (i: number) => { path: string; body: unknown },
  check: (body: any) => boolean,
  paceMs = 0,
): Promise<void> {
  await sleep(WINDOW_MS);
  const ms: number[] = [];
  let bad = 0;
  for (let i = 0; i < N; i++) {
    if (paceMs) await sleep(paceMs);
    const { path, body } = make(i);
    const t = performance.now();
    const res = await signedPost(hub, path, body, KEY);
    ms.push(performance.now() - t);
    if (res.status !== 200 || !check(res.body)) bad++;
  }
  ms.sort((a, b) => a - b);
  const q = (p: number) => ms[Math.min(ms.length - 1, Math.ceil(p * ms.length) - 1)].toFixed(1);
  console.log(
    `${name.padEnd(36)} n=${N}  p50 ${q(0.5).padStart(6)} ms  p99 ${q(0.99).padStart(6)} ms  max ${ms[ms.length - 1].toFixed(1).padStart(6)} ms  unexpected ${bad}`,
  );
}

const tool = (name: string) => `${voice.path}/tools/${name}`;
console.log(`voice bench: ${N} sequential signed requests per row, real server + GoHighLevel simulator on loopback`);
await measure(
  'check_availability (date)',
  (i) => ({
    path: tool('check_availability'),
    body: {
      name: 'check_availability',
      args: { date: starts[i].slice(0, 10), timezone: 'America/New_York' },
      call: retellCall(`bench_av_${i}`),
    },
  }),
  (b) => Array.isArray(b.slots) && !b.error,
  110,
);
// A new booking is a contact upsert, the day's free slots and the appointment: three requests, so one per 330 ms.
await measure(
  'book_appointment (new booking)',
  (i) => ({
    path: tool('book_appointment'),
    body: {
      name: 'book_appointment',
      args: { start_time: starts[i], timezone: 'America/New_York', duration_minutes: 30, customer_name: 'Bench Caller' },
      call: retellCall(`bench_bk_${i}`, { from_number: phone(i) }),
    },
  }),
  (b) => b.booked === true,
  330,
);
await measure(
  'book_appointment (Retell retry)',
  (i) => ({
    path: tool('book_appointment'),
    body: {
      name: 'book_appointment',
      args: { start_time: starts[i], timezone: 'America/New_York', duration_minutes: 30, customer_name: 'Bench Caller' },
      call: retellCall(`bench_bk_${i}`, { from_number: phone(i) }),
    },
  }),
  (b) => b.duplicate === true,
);
await measure(
  'find_customer (by caller number)',
  (i) => ({
    path: tool('find_customer'),
    body: { name: 'find_customer', args: {}, call: retellCall(`bench_fc_${i}`, { from_number: phone(i) }) },
  }),
  (b) => b.found === true,
  110,
);
const ring = (i: number) => ({
  path: voice.path,
  body: { event: 'call_inbound', call_inbound: { from_number: phone(i), to_number: '+14155550000' } },
});
await measure('call_inbound (first ring: CRM asked)', ring, (b) => b.call_inbound?.dynamic_variables?.customer_known === 'true', 110);
await measure('call_inbound (ring again: cached)', ring, (b) => b.call_inbound?.dynamic_variables?.customer_known === 'true');
// Each booking moved to a free slot on the weekdays after the ones booked: one PUT per call.
const later = weekdayStarts(15 + Math.ceil(N / 16) * 2, N);
await measure(
  'reschedule_appointment (this call)',
  (i) => ({
    path: tool('reschedule_appointment'),
    body: {
      name: 'reschedule_appointment',
      args: { start_time: later[i], timezone: 'America/New_York' },
      call: retellCall(`bench_bk_${i}`, { from_number: phone(i) }),
    },
  }),
  (b) => b.rescheduled === true && b.duplicate === false,
  110,
);
await measure(
  'cancel_appointment (this call)',
  (i) => ({
    path: tool('cancel_appointment'),
    body: { name: 'cancel_appointment', args: {}, call: retellCall(`bench_bk_${i}`, { from_number: phone(i) }) },
  }),
  (b) => b.cancelled === true && b.duplicate === false,
  110,
);
// Live lookups beside a sync backlog on the same connection: 300 calls queued (about 1,000 GoHighLevel
// requests, some 100 s of its quota), then first rings from callers the CRM knows but the hub has not
// cached. A ring answered within HUB_VOICE_LOOKUP_MS with customer_known "true" got its CRM request ahead of the backlog.
const known = (i: number) => `+1415556${String(1000 + (i % 9000)).padStart(4, '0')}`;
for (let i = 0; i < N; i++)
  ghl.contacts.insert({ id: `bench_known_${i}`, locationId: ghl.locationId, phone: known(i), firstName: 'Known' });
await sleep(WINDOW_MS);
for (let i = 0; i < 300; i++) {
  const posted = await hub.api('POST', `/api/agents/${AGENT}/calls`, {
    call_id: `bench_sync_${i}`,
    customer_name: 'Queued Caller',
    customer_phone: `+1415557${String(1000 + i).padStart(4, '0')}`,
    call_outcome: 'message_taken',
    call_summary: 'Queued behind the bench',
  });
  if (posted.status !== 202) throw new Error(`ingest: ${JSON.stringify(posted.body)}`);
}
await measure(
  'call_inbound (first ring, 300 syncs queued)',
  (i) => ({
    path: voice.path,
    body: { event: 'call_inbound', call_inbound: { from_number: known(i), to_number: '+14155550000' } },
  }),
  (b) => b.call_inbound?.dynamic_variables?.customer_known === 'true',
  110,
);
await hub.close();
await Promise.all([ghl.close(), retell.close()]);
