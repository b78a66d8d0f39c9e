import { open, readdir, rename, unlink, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { Doc } from '@hub/core';
import { coldRef, type ColdRef } from './doc-table.js';
import type { IndexSpec } from './unique-index.js';

/** One journal record: the full images of the docs an operation wrote and the ids it deleted, in one collection. */
export interface JournalRecord {
  c: string;
  put?: Doc[];
  del?: string[];
}

/** One collection as captured for a snapshot: its index definitions and, per id, the doc or its cold reference. */
export interface SnapshotCollection {
  name: string;
  indexes: IndexSpec[];
  ids: string[];
  values: Array<Doc | ColdRef>;
}

/** The state a snapshot writes, and how to read back the text of docs that are only in the current snapshot. */
export interface SnapshotSource {
  collections: SnapshotCollection[];
  readCold(ref: ColdRef): Buffer;
}

/** A snapshot just written: its size, the open file (cold docs are read from it), and each captured doc's new place in it. */
export interface WrittenSnapshot {
  size: number;
  fh: FileHandle;
  /** Per collection of the source, per captured doc: its reference in the new file (NaN when it must stay in memory). */
  refs: Float64Array[];
}

/** What the header of a snapshot says. */
export interface SnapshotHeader {
  gen: number;
  indexes: Record<string, IndexSpec[]>;
}

const SNAPSHOT = 'snapshot.jsonl';
const LOG_PATTERN = /^journal-(\d+)\.log$/;
// Version 2 adds the index definitions to the header, so open builds the indexes while it reads the docs.
const SNAPSHOT_VERSION = 2;
const READABLE_VERSIONS = new Set([1, 2]);
const CHUNK = 1 << 22;
// The snapshot is serialized on the event loop between writes of this size: 128 KB is about a
// millisecond of JSON, so requests wait that long at most behind it (1 MB chunks put 5-14 ms pauses
// into ingest's p99).
const WRITE_CHUNK = 1 << 17;
const LINE_END = Buffer.from('}\n');

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

/** The bytes of a snapshot line before its doc's JSON. */
function linePrefix(c: string): string {
  return `{"c":${JSON.stringify(c)},"d":`;
}

/**
 * Reads the snapshot in chunks: the header to `onHeader`, then each doc with the place of its JSON
 * in the file to `onDoc`. Returns the open file, kept for reading cold docs back (null when there is
 * no snapshot), the generation of the first log to replay (0 when there is none) and the file's size.
 */
export async function readSnapshot(
  dir: string,
  onHeader: (header: SnapshotHeader) => void,
  onDoc: (c: string, doc: Doc, offset: number, length: number) => void,
): Promise<{ fh: FileHandle | null; gen: number; size: number }> {
  const path = join(dir, SNAPSHOT);
  const fh = await open(path, 'r').catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return null;
    throw err;
  });
  if (fh === null) return { fh: null, gen: 0, size: 0 };
  try {
    let header: SnapshotHeader | undefined;
    let count = 0;
    let end: number | undefined;
    // Where a line's doc starts, by collection: the same few names on every line.
    const prefixBytes = new Map<string, number>();
    const { size } = await forEachFileLine(fh, (line, start) => {
      const entry = JSON.parse(line.toString('utf8')) as {
        v?: number;
        gen?: number;
        indexes?: SnapshotHeader['indexes'];
        c?: string;
        d?: Doc;
        end?: number;
      };
      if (header === undefined) {
        if (!READABLE_VERSIONS.has(entry.v ?? 0)) throw new Error(`${path}: unsupported snapshot version ${entry.v}`);
        header = { gen: entry.gen ?? 0, indexes: entry.indexes ?? {} };
        onHeader(header);
      } else if (entry.end !== undefined) end = entry.end;
      else {
        const c = entry.c as string;
        let skip = prefixBytes.get(c);
        if (skip === undefined) prefixBytes.set(c, (skip = Buffer.byteLength(linePrefix(c))));
        onDoc(c, entry.d as Doc, start + skip, line.length - skip - 1);
        count++;
      }
    });
    // The snapshot is renamed into place only once complete, so a missing or wrong trailer means damage.
    if (header === undefined || end !== count)
      throw new Error(`${path}: snapshot holds ${count} docs, trailer says ${end}; the file is damaged`);
    return { fh, gen: header.gen, size };
  } catch (err) {
    await fh.close();
    throw err;
  }
}

/**
 * Calls `fn` with each complete line of a file (without its newline) and the byte offset it starts
 * at, reading in chunks; answers where the complete lines end and how long the file is.
 */
async function forEachFileLine(fh: FileHandle, fn: (line: Buffer, start: number) => void): Promise<{ end: number; size: number }> {
  let buf = Buffer.allocUnsafe(CHUNK);
  let filled = 0;
  let base = 0;
  for (;;) {
    if (filled === buf.length) {
      // One line longer than the buffer: grow it.
      const bigger = Buffer.allocUnsafe(buf.length * 2);
      buf.copy(bigger, 0, 0, filled);
      buf = bigger;
    }
    const { bytesRead } = await fh.read(buf, filled, buf.length - filled, base + filled);
    if (bytesRead === 0) return { end: base, size: base + filled };
    filled += bytesRead;
    let start = 0;
    for (let nl = buf.indexOf(10, start); nl !== -1 && nl < filled; nl = buf.indexOf(10, start)) {
      fn(buf.subarray(start, nl), base + start);
      start = nl + 1;
    }
    buf.copy(buf, 0, start, filled);
    filled -= start;
    base += start;
  }
}

/**
 * Replays one log file. An incomplete final line is the write a crash interrupted, never acknowledged:
 * it is ignored and cut off, so the next append does not glue onto it. Any other unreadable line is damage.
 */
export async function replayLog(path: string, onRecord: (r: JournalRecord) => void): Promise<{ records: number; bytes: number }> {
  const fh = await open(path, 'r+');
  try {
    let records = 0;
    const { end, size } = await forEachFileLine(fh, (line, start) => {
      let record: JournalRecord;
      try {
        record = JSON.parse(line.toString('utf8')) as JournalRecord;
      } catch {
        throw new Error(`${path}: unreadable journal record at byte ${start}; the file is damaged`);
      }
      onRecord(record);
      records++;
    });
    if (end < size) {
      await fh.truncate(end);
      await fh.sync();
    }
    return { records, bytes: end };
  } finally {
    await fh.close();
  }
}

/**
 * Writes a snapshot atomically: temp file, fsync, rename over the old one, fsync the folder. Docs in
 * memory are encoded; cold ones are copied as the bytes they already are. The file stays open for
 * reading cold docs back.
 */
export async function writeSnapshot(dir: string, gen: number, source: SnapshotSource): Promise<WrittenSnapshot> {
  const tmp = join(dir, `${SNAPSHOT}.tmp`);
  const fh = await open(tmp, 'w+');
  try {
    const indexes = Object.fromEntries(source.collections.map((c) => [c.name, c.indexes]));
    const parts: Buffer[] = [Buffer.from(`${JSON.stringify({ v: SNAPSHOT_VERSION, gen, indexes })}\n`)];
    let pending = parts[0].length;
    let size = 0;
    let count = 0;
    const refs: Float64Array[] = [];
    for (const coll of source.collections) {
      const prefix = Buffer.from(linePrefix(coll.name));
      const placed = new Float64Array(coll.ids.length);
      for (let i = 0; i < coll.ids.length; i++) {
        const value = coll.values[i];
        const text = typeof value === 'number' ? source.readCold(value) : Buffer.from(JSON.stringify(value));
        placed[i] = coldRef(size + pending + prefix.length, text.length) ?? NaN;
        parts.push(prefix, text, LINE_END);
        pending += prefix.length + text.length + 2;
        count++;
        if (pending >= WRITE_CHUNK) {
          await fh.writeFile(Buffer.concat(parts.splice(0)));
          size += pending;
          pending = 0;
        }
      }
      refs.push(placed);
    }
    parts.push(Buffer.from(`${JSON.stringify({ end: count })}\n`));
    await fh.writeFile(Buffer.concat(parts));
    size += pending + parts.at(-1)!.length;
    await fh.sync();
    await rename(tmp, join(dir, SNAPSHOT));
    await fsyncDir(dir);
    return { size, fh, refs };
  } catch (err) {
    await fh.close().catch(() => undefined);
    throw err;
  }
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
