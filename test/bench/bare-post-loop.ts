// The deliveries baseline: POST `count` call_completed payloads to `url`, 16 in flight, with Node's
// fetch; prints the rate per second. `warmUp` payloads are POSTed first the same way and not timed (the
// process's JIT warmed as the hub's is by its warm-up jobs). Usage: bare-post-loop.ts <url> <count> [warmUp]
import { benchCall } from './bench-kit.js';

const [url, countArg, warmUpArg] = process.argv.slice(2);

/** POSTs payloads `from` .. `to` - 1, 16 in flight. */
async function post(from: number, to: number): Promise<void> {
  let next = from;
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (next < to) {
        const n = next++;
        const body = JSON.stringify({ action: 'call_completed', call: benchCall(`bare${n}`), timestamp: new Date().toISOString() });
        const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
        if (!res.ok) throw new Error(`bare POST answered ${res.status}`);
        await res.arrayBuffer();
      }
    }),
  );
}

const warmUp = Number(warmUpArg ?? 0);
const count = Number(countArg);
await post(0, warmUp);
const started = performance.now();
await post(warmUp, warmUp + count);
process.stdout.write(`${Math.round((count / (performance.now() - started)) * 1000)}\n`);
