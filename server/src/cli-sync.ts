import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs } from './cli-connector.js';

const USAGE = `usage:
  pnpm hub sync import <file> --agent <id> [--url <hub url>] [--api-key <key>] [--no-wait]
        post past calls (a JSON array or NDJSON, up to 10,000) to POST /api/agents/<id>/calls/bulk, then
        follow the import with a progress bar. The URL and key default to HUB_URL and HUB_API_KEY.
        Exit 0 when every line was accepted and every job succeeded, 1 otherwise.`;

type Progress = {
  status: string;
  jobs: Record<string, number>;
  progress_percent: number;
  accepted: number;
  duplicates: number;
  rejected: number;
};

/** `pnpm hub sync …`: client commands that speak to a running hub over HTTP. */
export async function syncCommand(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const [sub, ...rest] = args;
  const noWait = rest.includes('--no-wait');
  const { positional, flags } = parseArgs(rest.filter((a) => a !== '--no-wait'));
  const url = (flags.url ?? env.HUB_URL ?? '').replace(/\/+$/, '');
  const key = flags['api-key'] ?? env.HUB_API_KEY ?? '';
  const missing = !positional[0]
    ? 'a file'
    : !flags.agent
      ? '--agent <id>'
      : !url
        ? '--url or HUB_URL'
        : !key
          ? '--api-key or HUB_API_KEY'
          : undefined;
  if (sub !== 'import' || missing) return usage(missing && sub === 'import' ? `sync import needs ${missing}` : undefined);
  // pnpm runs scripts from the workspace root; a relative path means the caller's folder.
  const text = await readFile(resolve(env.INIT_CWD ?? process.cwd(), positional[0]), 'utf8');
  const agent = encodeURIComponent(flags.agent);
  const headers = {
    authorization: `Bearer ${key}`,
    'content-type': text.trimStart().startsWith('[') ? 'application/json' : 'application/x-ndjson',
  };
  const res = await fetch(`${url}/api/agents/${agent}/calls/bulk`, { method: 'POST', headers, body: text });
  // The answer of POST …/calls/bulk (202), or an error body.
  const body = (await res.json().catch(() => ({}))) as {
    message?: string;
    import_id: string;
    accepted: number;
    duplicates: number;
    rejected: number;
    errors: Array<Record<string, unknown>>;
  };
  if (res.status !== 202) {
    process.stderr.write(`import refused (${res.status}): ${body.message ?? JSON.stringify(body)}\n`);
    return 1;
  }
  process.stdout.write(
    `import ${body.import_id}: ${body.accepted} accepted (${body.duplicates} already stored), ${body.rejected} rejected\n`,
  );
  for (const e of body.errors.slice(0, 20)) process.stdout.write(`  line ${e.line}: ${e.field} ${e.message}\n`);
  if (body.errors.length > 20)
    process.stdout.write(`  … and ${body.errors.length - 20} more (GET /api/agents/${agent}/imports/${body.import_id})\n`);
  if (noWait) return body.rejected > 0 ? 1 : 0;
  const done = await follow(`${url}/api/agents/${agent}/imports/${body.import_id}`, key);
  const j = done.jobs;
  process.stdout.write(`synced: ${j.succeeded} succeeded, ${j.failed} failed, ${j.skipped} skipped by sync conditions (${j.total} jobs)\n`);
  return body.rejected > 0 || j.failed > 0 ? 1 : 0;
}

/** Polls the import until its jobs are finished, drawing a progress bar on stderr. */
async function follow(importUrl: string, key: string): Promise<Progress> {
  const tty = process.stderr.isTTY === true;
  let lastLine = '';
  for (;;) {
    const res = await fetch(importUrl, { headers: { authorization: `Bearer ${key}` } });
    if (!res.ok) throw new Error(`GET ${importUrl} answered ${res.status}`);
    const p = (await res.json()) as Progress;
    const line = bar(p);
    if (tty) process.stderr.write(`\r${line}`);
    else if (line !== lastLine) process.stderr.write(`${line}\n`);
    lastLine = line;
    if (p.status === 'done') {
      if (tty) process.stderr.write('\n');
      return p;
    }
    await new Promise((r) => setTimeout(r, tty ? 250 : 1000));
  }
}

/** `[##########----------]  50.0%  500/1000 jobs  (ok 498, failed 2)`. */
export function bar(p: Progress, width = 30): string {
  const j = p.jobs;
  const finished = j.succeeded + j.failed + j.skipped;
  const filled = Math.round((p.progress_percent / 100) * width);
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${p.progress_percent.toFixed(1).padStart(5)}%  ${finished}/${j.total} jobs  (ok ${j.succeeded}, failed ${j.failed}, running ${j.running})`;
}

function usage(problem?: string): number {
  process.stderr.write(`${problem ? `${problem}\n` : ''}${USAGE}\n`);
  return 2;
}
