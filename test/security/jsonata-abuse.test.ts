import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHub, type TestHub } from '../helpers/hub.js';
import { sampleCall } from '../helpers/fixtures.js';
import { startReceiver } from '../helpers/receiver.js';

let hub: TestHub;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let id: string;
const AGENT = 'agent_jsonata';
const rows: string[] = [];

beforeAll(async () => {
  receiver = await startReceiver();
  hub = await startTestHub({}, { connectors: ['zapier'] });
  id = (await hub.api('POST', `/api/agents/${AGENT}/integrations/connect`, { type: 'zapier', webhook_url: receiver.url('/hooks/catch/j') }))
    .body.id;
});
afterAll(async () => {
  console.log(
    `[proof jsonata] ${rows.length} abusive tenant expressions, each answered with a clear error or a bounded result; the hub kept serving:\n${rows.join('\n')}`,
  );
  await hub?.close();
  await receiver?.close();
});

/** Tenant expressions that try to stall, exhaust or escape the evaluator. */
const ABUSE: Array<[what: string, expr: string]> = [
  ['infinite recursion', '( $f := function($x) { $f($x + 1) }; $f(0) )'],
  ['deep recursion', '( $f := function($n) { $n = 0 ? 0 : 1 + $f($n - 1) }; $f(100000) )'],
  ['a busy loop over a range', '$sum([1..5000000])'],
  ['a huge range', '[1..100000000]'],
  ['string doubling', '( $f := function($s, $n) { $n = 0 ? $s : $f($s & $s, $n - 1) }; $length($f("x", 40)) )'],
  ['a large pad', '$pad("", 20000000)'],
  ['a 200 MB pad', '$pad("", 200000000)'],
  ['a 50 million element join', '$join($map([1..5000000], function($v) { "0123456789" }))'],
  ['catastrophic regex backtracking', '$match("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!", /(a+)+$/)'],
  ['backtracking regex in $replace', '$replace(call.call_summary, /(x+x+)+y/, "")'],
  ['nested $eval', '$eval("$eval(\\"$eval(\\\\\\"1+1\\\\\\")\\")")'],
  ['reaching the host through constructors', '$string($lookup($, "constructor"))'],
  ['prototype pollution', '$merge([{}, {"__proto__": {"polluted": true}}])'],
  ['a quadratic sort', '$sort([1..3000], function($a, $b) { $count([1..300]) > 0 and $a < $b })'],
];

describe('JSONata abuse through the mapping preview (the tenant API that evaluates a given expression)', () => {
  for (const [what, expr] of ABUSE) {
    it(`${what}: bounded, clear, and the hub keeps serving`, { timeout: 20_000 }, async () => {
      const started = Date.now();
      const res = await hub.api('POST', `/api/agents/${AGENT}/integrations/${id}/mappings/preview`, {
        call: sampleCall('j1'),
        mappings: { event: expr },
      });
      const ms = Date.now() - started;
      expect(res.status).toBeLessThan(500);
      const event = res.body.errors?.event as string | undefined;
      const outcome =
        res.status >= 400
          ? `${res.status} ${res.body.field}: ${res.body.message}`
          : event
            ? `step error: ${event}`
            : `evaluated: ${JSON.stringify(res.body.steps?.event?.input ?? null).slice(0, 60)}`;
      rows.push(`  ${what.padEnd(40)} ${String(ms).padStart(5)} ms  ${outcome.replace(/\s+/g, ' ').slice(0, 150)}`);
      expect(ms).toBeLessThan(5_000);
      expect((await hub.api('GET', '/health')).status).toBe(200);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    });
  }

  it('a result too large for any CRM body is refused by size, not sent on', async () => {
    const res = await hub.api('POST', `/api/agents/${AGENT}/integrations/${id}/mappings/preview`, {
      call: sampleCall('j2'),
      mappings: { event: '{"note": $pad("", 5000000)}' },
    });
    expect(res.status).toBeLessThan(500);
    const message = res.body.errors?.event ?? res.body.message;
    expect(message).toMatch(/larger than 4000000 characters/);
  });
});
