import { readSync } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { LruCache, type Doc } from '@hub/core';

/**
 * Where a cold doc's JSON text lies in the snapshot file: offset × 2^20 + byte length, in one double
 * (exact up to 2^53), so a cold doc costs memory for its id and one number, not its body.
 */
export type ColdRef = number;

const LENGTH_SPAN = 2 ** 20;
const OFFSET_SPAN = 2 ** 33;

/** The reference to `length` bytes at `offset`, or undefined past what one double can say (the doc then stays in memory). */
export function coldRef(offset: number, length: number): ColdRef | undefined {
  return length < LENGTH_SPAN && offset < OFFSET_SPAN ? offset * LENGTH_SPAN + length : undefined;
}

/**
 * The current snapshot file, which cold docs are read back from (one pread and a parse), with a small
 * cache of the docs read most recently: lookups that come back to the same old docs (a tenant, an
 * integration, a mapping) parse them once. Shared by every collection of one engine.
 */
export class ColdFile {
  private fh: FileHandle | null = null;
  private readonly cache: LruCache<ColdRef, Doc>;

  constructor(cacheSize = 4096) {
    this.cache = new LruCache(cacheSize);
  }

  /** The stored JSON text of a cold doc, as bytes. */
  readText(ref: ColdRef): Buffer {
    if (this.fh === null) throw new Error('embedded store: a cold doc was read with no snapshot open');
    const length = ref % LENGTH_SPAN;
    const offset = (ref - length) / LENGTH_SPAN;
    const buf = Buffer.allocUnsafe(length);
    for (let done = 0; done < length;) {
      const n = readSync(this.fh.fd, buf, done, length - done, offset + done);
      if (n === 0) throw new Error('embedded store: the snapshot file ends before a doc it indexes; the file is damaged');
      done += n;
    }
    return buf;
  }

  /** A cold doc, parsed (callers never mutate stored docs, so a cached one can be handed out again). */
  read(ref: ColdRef): Doc {
    let doc = this.cache.get(ref);
    if (doc === undefined) {
      doc = JSON.parse(this.readText(ref).toString('utf8')) as Doc;
      this.cache.set(ref, doc);
    }
    return doc;
  }

  /** Makes `fh` the snapshot that refs point into from now on; returns the previous one for the caller to close. */
  replace(fh: FileHandle | null): FileHandle | null {
    const old = this.fh;
    this.fh = fh;
    this.cache.clear();
    return old;
  }
}

/**
 * A collection's docs by `_id`, in insertion order: each one either in memory (written since the
 * last snapshot) or cold (a {@link ColdRef} into the snapshot, read back on use). Iteration and
 * `get` hand out parsed docs either way.
 */
export class DocTable {
  private readonly entries = new Map<string, Doc | ColdRef>();

  constructor(private readonly cold: ColdFile) {}

  get size(): number {
    return this.entries.size;
  }

  has(id: string): boolean {
    return this.entries.has(id);
  }

  get(id: string): Doc | undefined {
    const v = this.entries.get(id);
    return typeof v === 'number' ? this.cold.read(v) : v;
  }

  /** What the table holds for `id`: the doc or its cold reference. */
  raw(id: string): Doc | ColdRef | undefined {
    return this.entries.get(id);
  }

  set(id: string, value: Doc | ColdRef): void {
    this.entries.set(id, value);
  }

  delete(id: string): void {
    this.entries.delete(id);
  }

  keys(): IterableIterator<string> {
    return this.entries.keys();
  }

  *values(): Generator<Doc> {
    for (const v of this.entries.values()) yield typeof v === 'number' ? this.cold.read(v) : v;
  }

  /** Every id with what the table holds for it, in order: what a snapshot captures. */
  rawEntries(): { ids: string[]; values: Array<Doc | ColdRef> } {
    return { ids: [...this.entries.keys()], values: [...this.entries.values()] };
  }
}
