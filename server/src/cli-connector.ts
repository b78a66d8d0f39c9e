import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { discover, loadPackage, type LoadProblem } from '@hub/core';
import { validateManifest } from '@hub/manifests';
import { CONNECTORS_DIR } from './bootstrap.js';
import { addToLockfile, scaffold } from './cli-scaffold.js';
import { tryOperation } from './cli-connector-try.js';

const ROOT = resolve(CONNECTORS_DIR, '..');

const USAGE = `usage:
  pnpm hub connector new <id> [--dir <folder>]        scaffold a connector package (default connectors/<id>)
  pnpm hub connector validate [path]                  check manifests and hooks; every problem with its JSON path
  pnpm hub connector try <id> <operation> --call <file.json>
        [--config <json|file>] [--credentials <json|file>] [--base-url <url>]
        [--input <json|file>] [--steps <json|file>]   run one operation; print each request and answer, secrets redacted`;

/** Splits `--flag value` pairs from positional arguments. */
export function parseArgs(args: string[]): { positional: string[]; flags: Record<string, string> } {
  const positional: string[] = [];
  const flags: Record<string, string> = {};
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a.startsWith('--')) {
      const [key, inline] = a.slice(2).split('=', 2);
      flags[key] = inline ?? args[++i] ?? '';
    } else positional.push(a);
  }
  return { positional, flags };
}

/** `pnpm hub connector …`: the integration engineer's tools. */
export async function connectorCommand(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  const { positional, flags } = parseArgs(rest);
  if (sub === 'new') return newCommand(positional[0], flags.dir);
  if (sub === 'validate') return validateCommand(positional[0]);
  if (sub === 'try') return tryOperation(positional, flags, CONNECTORS_DIR);
  process.stderr.write(`${USAGE}\n`);
  return 2;
}

async function newCommand(id: string | undefined, dir: string | undefined): Promise<number> {
  if (!id) {
    process.stderr.write('connector new needs an id, e.g. pnpm hub connector new acme-crm\n');
    return 2;
  }
  const target = resolve(dir ?? join(CONNECTORS_DIR, id));
  try {
    const files = await scaffold(id, target, ROOT);
    process.stdout.write(`created ${id}:\n${files.map((f) => `  ${f}`).join('\n')}\n`);
    const lock = addToLockfile(ROOT, target);
    if (!lock.ok) {
      process.stderr.write(`pnpm-lock.yaml was not updated (run pnpm install, then commit the lockfile):\n${lock.output}\n`);
      return 1;
    }
    process.stdout.write(
      `next: edit manifest.json (guide: manifests/README.md), then pnpm hub connector validate ${target}; commit pnpm-lock.yaml with the package\n`,
    );
    return 0;
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    return 1;
  }
}

/** Validates one package, one manifest file, or every package below a folder (default: connectors/). */
async function validateCommand(path: string | undefined): Promise<number> {
  const target = resolve(path ?? CONNECTORS_DIR);
  if (!existsSync(target)) {
    process.stderr.write(`${target} does not exist\n`);
    return 1;
  }
  const problems: LoadProblem[] = [];
  let checked = 0;
  if (statSync(target).isFile()) {
    checked = 1;
    problems.push(...fileProblems(target));
  } else {
    const packages = await discover([target]);
    if (packages.length === 0) {
      process.stderr.write(`no connector package (package.json with "hub": {"connector": …}) at or below ${target}\n`);
      return 1;
    }
    for (const dir of packages) {
      const before = problems.length;
      const loaded = await loadPackage(dir, problems).catch((err: Error) => {
        problems.push({ file: join(dir, 'package.json'), path: '/hub/hooks', message: `hooks module fails to import: ${err.message}` });
        return undefined;
      });
      checked++;
      if (loaded && problems.length === before) process.stdout.write(`ok  ${loaded.manifest.id} (${basename(dir)})\n`);
    }
  }
  for (const p of problems) process.stdout.write(`${p.file}: ${p.path} ${p.message}\n`);
  process.stdout.write(`${checked} checked, ${problems.length} problem${problems.length === 1 ? '' : 's'}\n`);
  return problems.length ? 1 : 0;
}

function fileProblems(file: string): LoadProblem[] {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    return [{ file, path: '/', message: `cannot be read as JSON: ${(err as Error).message}` }];
  }
  const result = validateManifest(raw);
  return result.ok ? [] : result.problems.map((p) => ({ ...p, file }));
}
