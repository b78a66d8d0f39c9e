import { mkdir, type FileHandle } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Doc, DocCollection, StoreEngine } from '@hub/core';
import { EmbeddedCollection, type CollectionHost } from './embedded-collection.js';
import { ColdFile, coldRef } from './doc-table.js';
import type { SnapshotSource, WrittenSnapshot } from './journal-files.js';
import { Journal } from './journal.js';
import { acquireDirLock, type DirLock } from './lock.js';

/** Options of the embedded engine. */
export interface EmbeddedEngineOptions {
  /** The data folder (HUB_DATA_DIR); created if missing. */
  dir: string;
  /** Compact once the log holds this many records since the last snapshot (default 10,000). */
  compactAfterRecords?: number;
  /** Compact once the log holds this many bytes since the last snapshot (default 64 MiB). */
  compactAfterBytes?: number;
  /**
   * Read docs a snapshot holds back from the snapshot file when they are used, instead of keeping
   * them in memory (default false): memory then holds the indexes and the docs written since the
   * last snapshot, and each doc an unindexed query touches costs a read and a parse (HUB_STORE_COLD_DOCS).
   */
  coldDocs?: boolean;
  /** Told about failed background compactions, which lose nothing but leave the log growing (default: process warning). */
  onBackgroundError?: (err: unknown) => void;
}

/**
 * The embedded engine: collections indexed in memory, made durable by a write-ahead journal in one
 * folder. Docs written since the last snapshot are held in memory; the others are read back from the
 * snapshot file when used, so memory grows with the indexes, not with the docs' bodies.
 */
export class EmbeddedEngine implements StoreEngine {
  readonly kind = 'embedded' as const;
  readonly atomicUpdates = true;
  readonly orderedWrites = true;
  private readonly collections = new Map<string, EmbeddedCollection>();
  private journal: Journal | null = null;
  private readonly cold = new ColdFile();
  private closed = false;
  private readonly host: CollectionHost = {
    assertOpen: () => {
      if (this.closed) throw new Error(`the embedded store in ${this.dir} is closed`);
    },
    commit: (c, puts, dels) => this.commit(c, puts, dels),
  };

  private constructor(
    /** The absolute data folder. */
    readonly dir: string,
    private readonly lock: DirLock,
    private readonly coldDocs: boolean,
  ) {}

  /** Opens the folder: takes its lock, loads the snapshot, replays the log. */
  static async open(options: EmbeddedEngineOptions): Promise<EmbeddedEngine> {
    const dir = resolve(options.dir);
    await mkdir(dir, { recursive: true });
    const lock = await acquireDirLock(dir);
    const engine = new EmbeddedEngine(dir, lock, options.coldDocs === true);
    try {
      engine.journal = await Journal.open(
        dir,
        {
          loadHeader: (header) => {
            for (const [c, specs] of Object.entries(header.indexes)) engine.coll(c).restoreIndexes(specs);
          },
          loadDoc: (c, doc, offset, length) => engine.coll(c).load(doc, engine.coldDocs ? coldRef(offset, length) : undefined),
          attach: (fh) => engine.attach(fh),
          applyRecord: (r) => engine.coll(r.c).replay(r),
          capture: () => engine.capture(),
          adopt: (source, written) => engine.adopt(source, written),
          onBackgroundError: options.onBackgroundError ?? warn,
        },
        {
          records: options.compactAfterRecords ?? 10_000,
          bytes: options.compactAfterBytes ?? 64 * 1024 * 1024,
          // Docs written since the last snapshot are held in memory; with cold docs a snapshot after a
          // quarter of its size in log bounds them, at four times the snapshot writing.
          logShare: options.coldDocs === true ? 0.25 : 1,
        },
      );
    } catch (err) {
      await engine.cold.replace(null)?.close();
      await lock.release();
      throw err;
    }
    return engine;
  }

  collection<T extends Doc = Doc>(name: string): DocCollection<T> {
    if (name === '' || name.includes('$')) throw new Error(`invalid collection name ${JSON.stringify(name)}`);
    // One instance per name serves every caller; the type parameter only narrows what callers see.
    return this.coll(name) as unknown as DocCollection<T>;
  }

  /** This process's clock: only one process opens the folder, so there is no other to agree with. */
  now(): number {
    return Date.now();
  }

  /** The store lives in this process: reachable while open. */
  async ping(): Promise<void> {
    this.host.assertOpen();
  }

  /** Snapshots the whole store and starts a fresh log now, instead of waiting for the thresholds. */
  async compact(): Promise<void> {
    this.host.assertOpen();
    await this.journal?.compact();
  }

  /** Waits for pending writes, stops accepting new ones, releases the folder. Safe to call twice. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      await this.journal?.close();
      await this.cold.replace(null)?.close();
    } finally {
      await this.lock.release();
    }
  }

  private coll(name: string): EmbeddedCollection {
    let coll = this.collections.get(name);
    if (coll === undefined) {
      coll = new EmbeddedCollection(name, this.host, this.cold, this.coldDocs);
      this.collections.set(name, coll);
    }
    return coll;
  }

  // The record is the text JSON.stringify({ c, put, del }) would give, assembled from the docs' own
  // JSON so that no doc is encoded twice.
  private commit(c: string, puts: string[], dels: string[]): Promise<void> {
    let record = `{"c":${JSON.stringify(c)}`;
    if (puts.length > 0) record += `,"put":[${puts.join(',')}]`;
    if (dels.length > 0) record += `,"del":${JSON.stringify(dels)}`;
    // journal is set before any collection can be reached; the check keeps the type honest.
    if (this.journal === null) return Promise.reject(new Error('the embedded store is not open'));
    return this.journal.append(`${record}}`);
  }

  private capture(): SnapshotSource {
    // Docs are replaced, never mutated, and cold ones stay readable until adopt(), so copying what
    // the tables hold is a consistent snapshot.
    const collections = [...this.collections].map(([name, coll]) => ({ name, indexes: coll.indexSpecs(), ...coll.docs.rawEntries() }));
    return { collections, readCold: (ref) => this.cold.readText(ref) };
  }

  private attach(fh: FileHandle | null): void {
    if (this.coldDocs) this.cold.replace(fh);
    else void fh?.close();
  }

  // Synchronous, so no read sees a reference into the new file before the switch or into the old one after.
  private adopt(source: SnapshotSource, written: WrittenSnapshot): void {
    if (!this.coldDocs) {
      void written.fh.close().catch(() => undefined);
      return;
    }
    source.collections.forEach(({ name, ids, values }, c) => {
      const docs = this.coll(name).docs;
      const refs = written.refs[c];
      for (let i = 0; i < ids.length; i++) {
        // A doc rewritten or deleted since the capture keeps what it has now.
        if (!Number.isNaN(refs[i]) && docs.raw(ids[i]) === values[i]) docs.set(ids[i], refs[i]);
      }
    });
    const old = this.cold.replace(written.fh);
    void old?.close().catch(() => undefined);
  }
}

/** Opens the embedded engine on a data folder; see {@link EmbeddedEngineOptions}. */
export function openEmbeddedEngine(options: EmbeddedEngineOptions): Promise<EmbeddedEngine> {
  return EmbeddedEngine.open(options);
}

function warn(err: unknown): void {
  process.emitWarning(`embedded store: background compaction failed: ${String(err)}`);
}
