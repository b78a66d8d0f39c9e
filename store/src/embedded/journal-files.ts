import { open, readFile, readdir, rename, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { Doc } from '@hub/core';

/** One journal record: the full images of the docs an operation wrote and the ids it deleted, in one collection. */
export interface JournalRecord {
  c: string;
  put?: Doc[];
  del?: string[];
}

/** The docs of every collection, as captured for a snapshot. */
export type SnapshotSource = Iterable<[collection: string, docs: Iterable<Doc>]>;

const SNAPSHOT = 'snapshot.jsonl';
const LOG_PATTERN = /^journal-(\d+)\.log$/;
const SNAPSHOT_VERSION = 1;
const WRITE_CHUNK = 1 << 20;

/** Path of the log file of one generation; a snapshot names the first generation to replay after it. */
export function logPath(dir: string, gen: number): string {
  return join(dir, `journal-${String(gen).padStart(8, '0')}.log`);
}

/** Generations of the log files present in `dir`, ascending. */
export async function listLogGens(dir: string): Promise<number[]> {
  const names = await readdir(dir);
  return names
    .map((n) => LOG_PATTERN.exec(n))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => Number(m[1]))
    .sort((a, b) => a - b);
}

/** Loads the snapshot into `onDoc` and returns the generation of the first log to replay (0 when there is none). */
export async function readSnapshot(dir: string, onDoc: (c: string, doc: Doc) => void): Promise<number> {
  const path = join(dir, SNAPSHOT);
  const buf = await readFile(path).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return null;
    throw err;
  });
  if (buf === null) return 0;
  let header: { v: number; gen: number } | undefined;
  let count = 0;
  let end: number | undefined;
  forEachLine(buf, (line) => {
    const entry = JSON.parse(line) as { v?: number; gen?: number; c?: string; d?: Doc; end?: number };
    if (header === undefined) header = { v: entry.v ?? 0, gen: entry.gen ?? 0 };
    else if (entry.end !== undefined) end = entry.end;
    else {
      onDoc(entry.c as string, entry.d as Doc);
      count++;
    }
  });
  if (header?.v !== SNAPSHOT_VERSION) throw new Error(`${path}: unsupported snapshot version ${header?.v}`);
  // The snapshot is renamed into place only once complete, so a missing or wrong trailer means damage.
  if (end !== count) throw new Error(`${path}: snapshot holds ${count} docs, trailer says ${end}; the file is damaged`);
  return header.gen;
}

/** Calls `fn` for each complete line (the text before a newline); returns where the complete lines end. */
function forEachLine(buf: Buffer, fn: (line: string, start: number) => void): number {
  let start = 0;
  for (let nl = buf.indexOf(10, start); nl !== -1; nl = buf.indexOf(10, start)) {
    fn(buf.toString('utf8', start, nl), start);
    start = nl + 1;
  }
  return start;
}

/**
 * Replays one log file. An incomplete final line is the write a crash interrupted, never acknowledged:
 * it is ignored and cut off, so the next append does not glue onto it. Any other unreadable line is damage.
 */
export async function replayLog(path: string, onRecord: (r: JournalRecord) => void): Promise<{ records: number; bytes: number }> {
  const buf = await readFile(path);
  let records = 0;
  const end = forEachLine(buf, (line, start) => {
    let record: JournalRecord;
    try {
      record = JSON.parse(line) as JournalRecord;
    } catch {
      throw new Error(`${path}: unreadable journal record at byte ${start}; the file is damaged`);
    }
    onRecord(record);
    records++;
  });
  if (end < buf.length) {
    const fh = await open(path, 'r+');
    try {
      await fh.truncate(end);
      await fh.sync();
    } finally {
      await fh.close();
    }
  }
  return { records, bytes: end };
}

/** Writes a snapshot atomically: temp file, fsync, rename over the old one, fsync the folder. Returns its size in bytes. */
export async function writeSnapshot(dir: string, gen: number, source: SnapshotSource): Promise<number> {
  const tmp = join(dir, `${SNAPSHOT}.tmp`);
  const fh = await open(tmp, 'w');
  try {
    let chunk = `${JSON.stringify({ v: SNAPSHOT_VERSION, gen })}\n`;
    let count = 0;
    let size = 0;
    for (const [c, docs] of source) {
      const prefix = `{"c":${JSON.stringify(c)},"d":`;
      for (const doc of docs) {
        chunk += `${prefix}${JSON.stringify(doc)}}\n`;
        count++;
        if (chunk.length >= WRITE_CHUNK) {
          await fh.writeFile(chunk);
          size += Buffer.byteLength(chunk);
          chunk = '';
        }
      }
    }
    const last = `${chunk}${JSON.stringify({ end: count })}\n`;
    await fh.writeFile(last);
    size += Buffer.byteLength(last);
    await fh.sync();
    await fh.close();
    await rename(tmp, join(dir, SNAPSHOT));
    await fsyncDir(dir);
    return size;
  } catch (err) {
    await fh.close().catch(() => undefined);
    throw err;
  }
}

/** The size of the current snapshot in bytes (0 when there is none). */
export async function snapshotSize(dir: string): Promise<number> {
  return (await stat(join(dir, SNAPSHOT)).catch(() => null))?.size ?? 0;
}

/** Deletes the log files older than `gen`, which a snapshot now covers. */
export async function removeLogsBefore(dir: string, gen: number): Promise<void> {
  for (const g of await listLogGens(dir)) {
    if (g < gen) await unlink(logPath(dir, g)).catch(() => undefined);
  }
}

/** Makes created, renamed or deleted entries of a folder durable. */
export async function fsyncDir(dir: string): Promise<void> {
  const fh = await open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}
