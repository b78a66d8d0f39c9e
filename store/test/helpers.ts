import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '../..');
const childScript = join(here, 'fixtures', 'store-child.ts');

/** A fresh real folder under the OS temp dir, and its removal. */
export async function tempDir(): Promise<{ dir: string; remove(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'hub-store-'));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** Runs the child fixture (`writer` or `hold`) on `dir` through tsx, as a separate Node process. */
export function spawnChild(mode: 'writer' | 'hold', dir: string, ...args: string[]): ChildProcessWithoutNullStreams {
  // --import resolves from the working directory, where the workspace's tsx is installed.
  return spawn(process.execPath, ['--import', 'tsx', childScript, mode, dir, ...args], { cwd: repoRoot });
}

/** Calls `onLine` with each stdout line until it returns true; rejects if the child exits first. */
export function readLines(child: ChildProcessWithoutNullStreams, onLine: (line: string) => boolean): Promise<void> {
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolvePromise, reject) => {
    let done = false;
    const lines = createInterface({ input: child.stdout });
    lines.on('line', (line) => {
      if (!done && onLine(line)) {
        done = true;
        resolvePromise();
      }
    });
    child.on('exit', (code, signal) => {
      if (!done) reject(new Error(`child exited (${code ?? signal}) early: ${stderr}`));
    });
  });
}

/** Resolves once the child has exited. */
export function exited(child: ChildProcessWithoutNullStreams): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolvePromise) => child.once('exit', () => resolvePromise()));
}

/** A small seeded PRNG, so a randomised test's failure can be replayed. */
export function prng(seed: number): () => number {
  return () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
}
