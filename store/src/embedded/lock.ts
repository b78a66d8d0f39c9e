import { open, readFile, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';

const LOCK_FILE = 'store.lock';

/** The data folder is held by another live process: its message says what to do, so callers show it alone. */
export class DataDirInUseError extends Error {
  override readonly name = 'DataDirInUseError';
}

/** A held folder lock; `release()` removes the lock file if it is still ours. */
export interface DirLock {
  release(): Promise<void>;
}

/**
 * Takes the one-process-per-folder lock: a file holding our pid, created exclusively.
 * A lock naming a dead process is stale (the owner crashed or was killed) and is taken over.
 */
export async function acquireDirLock(dir: string): Promise<DirLock> {
  const path = join(dir, LOCK_FILE);
  for (let attempt = 0; attempt < 3; attempt++) {
    if (await tryCreate(path)) return { release: () => releaseLock(path) };
    let owner = await readOwner(path);
    // An empty lock may be one another process has created but not yet written.
    if (owner === null) owner = await delay(100).then(() => readOwner(path));
    if (owner !== null && (owner === process.pid || isAlive(owner))) {
      throw new DataDirInUseError(
        `the data folder ${dir} is in use by process ${owner}; the embedded store allows one process per folder — ` +
          `stop it or use MONGODB_URL (if no such process is a hub, delete ${path})`,
      );
    }
    // Stale, or unreadable because its owner died between create and write: take it over.
    await unlink(path).catch(ignoreMissing);
  }
  throw new Error(`could not take the lock ${path}: another process keeps racing for it`);
}

async function tryCreate(path: string): Promise<boolean> {
  try {
    const fh = await open(path, 'wx');
    try {
      await fh.writeFile(`${process.pid}\n`);
      await fh.sync();
    } finally {
      await fh.close();
    }
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
}

async function readOwner(path: string): Promise<number | null> {
  const text = await readFile(path, 'utf8').catch(() => '');
  const pid = Number.parseInt(text.trim(), 10);
  return Number.isInteger(pid) && pid > 0 ? pid : null;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function releaseLock(path: string): Promise<void> {
  if ((await readOwner(path)) === process.pid) await unlink(path).catch(ignoreMissing);
}

function ignoreMissing(err: unknown): void {
  if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
}
