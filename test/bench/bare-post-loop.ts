// The deliveries baseline: POST `count` call_completed payloads to `url`, 16 in flight, with Node's
// fetch; prints the rate per second. Usage: bare-post-loop.ts <url> <count>
import { benchCall } from './bench-kit.js';

const [url, countArg] = process.argv.slice(2);
const count = Number(countArg);
let next = 0;
const started = performance.now();
await Promise.all(
  Array.from({ length: 16 }, async () => {
    while (next < count) {
      const n = next++;
      const body = JSON.stringify({ action: 'call_completed', call: benchCall(`bare${n}`), timestamp: new Date().toISOString() });
      const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      if (!res.ok) throw new Error(`bare POST answered ${res.status}`);
      await res.arrayBuffer();
    }
  }),
);
process.stdout.write(`${Math.round((count / (performance.now() - started)) * 1000)}\n`);
