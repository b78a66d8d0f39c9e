// The outbound HTTP client's own cost: the same 2 KB JSON POST sent with the hub's transport (core's
// client sends through it), got, Node's fetch and bare node:http, 16 in flight, to a loopback server in another process; CPU
// time of this (the client) process per request. Run: pnpm exec tsx test/bench/http-client.bench.ts
import { spawn } from 'node:child_process';
import http from 'node:http';
import got from 'got';
import { sendWire } from '../../core/src/http/transport.js';
import { benchCall, report } from './bench-kit.js';

const count = Number(process.env.BENCH_REQUESTS ?? 5000);
const body = { action: 'call_completed', call: benchCall('http'), timestamp: new Date().toISOString() };
const text = JSON.stringify(body);
const agent = new http.Agent({ keepAlive: true });

const clients: Record<string, (url: string) => Promise<unknown>> = {
  hub: (url) =>
    sendWire({
      method: 'POST',
      url: new URL(url),
      headers: { accept: 'application/json', 'content-type': 'application/json' },
      body: JSON.stringify(body),
      timeoutMs: 15_000,
      signal: new AbortController().signal,
      followRedirects: true,
    }),
  got: (url) =>
    got(url, {
      method: 'POST',
      json: body,
      headers: { accept: 'application/json' },
      throwHttpErrors: false,
      retry: { limit: 0 },
      timeout: { request: 15_000 },
      responseType: 'text',
      signal: new AbortController().signal,
    }),
  fetch: async (url) =>
    (
      await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify(body),
        signal: new AbortController().signal,
      })
    ).text(),
  'node:http': (url) =>
    new Promise((resolve, reject) => {
      const req = http.request(
        url,
        { method: 'POST', agent, headers: { 'content-type': 'application/json', accept: 'application/json' } },
        (res) => {
          let data = '';
          res
            .setEncoding('utf8')
            .on('data', (c: string) => (data += c))
            .on('end', () => resolve(data));
        },
      );
      req.on('error', reject).end(JSON.stringify(body));
    }),
};

const server = spawn(
  process.execPath,
  [
    '-e',
    `require('http').createServer((q,s)=>{let n=0;q.on('data',c=>n+=c.length).on('end',()=>{s.setHeader('content-type','application/json');s.end('{"status":"success","size":'+n+'}')})}).listen(0,'127.0.0.1',function(){console.log(this.address().port)})`,
  ],
  { stdio: ['ignore', 'pipe', 'inherit'] },
);
const port = await new Promise<string>((resolve) => server.stdout!.once('data', (d) => resolve(String(d).trim())));
const url = `http://127.0.0.1:${port}/hook`;
try {
  const figures: Record<string, number> = { requests: count, body_bytes: text.length };
  for (const [name, send] of Object.entries(clients)) {
    for (let i = 0; i < 200; i++) await send(url); // warm up
    let next = 0;
    const cpu = process.cpuUsage();
    const started = performance.now();
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        while (next++ < count) await send(url);
      }),
    );
    const used = process.cpuUsage(cpu);
    figures[`${name}_per_s`] = Math.round((count / (performance.now() - started)) * 1000);
    figures[`${name}_cpu_us`] = Math.round((used.user + used.system) / count);
  }
  report('http-client', figures);
} finally {
  server.kill();
}
