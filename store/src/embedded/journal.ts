import { constants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import {
  fsyncDir,
  listLogGens,
  logPath,
  readSnapshot,
  removeLogsBefore,
  replayLog,
  writeSnapshot,
  type JournalRecord,
  type SnapshotHeader,
  type SnapshotSource,
  type WrittenSnapshot,
} from './journal-files.js';
import type { Doc } from '@hub/core';

/** When the journal compacts: after this many records or bytes since the last snapshot. */
export interface CompactionThresholds {
  records: number;
  bytes: number;
  /** The share of the last snapshot's size the log must also reach (1: as large as the snapshot). */
  logShare: number;
}

/** How the journal reaches the store: it replays into it on open and captures it for snapshots. */
export interface JournalTarget {
  loadHeader(header: SnapshotHeader): void;
  /** A snapshot doc, with where its JSON lies in the snapshot file. */
  loadDoc(c: string, doc: Doc, offset: number, length: number): void;
  /** The snapshot file just loaded (null without one), before any log record is replayed. */
  attach(fh: FileHandle | null): void;
  applyRecord(record: JournalRecord): void;
  /** Must return a consistent copy taken synchronously: snapshot writing awaits between docs. */
  capture(): SnapshotSource;
  /** A snapshot of `source` is in place: docs unchanged since the capture can be read from it from now on. */
  adopt(source: SnapshotSource, written: WrittenSnapshot): void;
  onBackgroundError(err: unknown): void;
}

interface Waiter {
  resolve(): void;
  reject(err: unknown): void;
}

/**
 * The write-ahead journal: an append-only log of JSON lines plus a snapshot. Appends wait for
 * write + fdatasync (one O_DSYNC write where the platform has it); appends made while a sync is running
 * share the next one (group commit).
 */
export class Journal {
  private pending: string[] = [];
  private waiters: Waiter[] = [];
  private running = false;
  private idle: Array<() => void> = [];
  private rotateRequested = false;
  private compacting: Promise<void> | null = null;
  private failure: unknown = null;
  private records = 0;
  private bytes = 0;
  private snapshotBytes = 0;

  private constructor(
    private readonly dir: string,
    private fh: FileHandle,
    private gen: number,
    private readonly target: JournalTarget,
    private readonly limits: CompactionThresholds,
  ) {}

  /** Loads snapshot and logs into `target`, then compacts first if the logs are already large. */
  static async open(dir: string, target: JournalTarget, limits: CompactionThresholds): Promise<Journal> {
    const snapshot = await readSnapshot(
      dir,
      (header) => target.loadHeader(header),
      (c, doc, offset, length) => target.loadDoc(c, doc, offset, length),
    );
    target.attach(snapshot.fh);
    const snapshotGen = snapshot.gen;
    // Older logs are leftovers of a compaction that renamed its snapshot but died before deleting them.
    const gens = (await listLogGens(dir)).filter((g) => g >= snapshotGen);
    let records = 0;
    let bytes = 0;
    for (const g of gens) {
      const r = await replayLog(logPath(dir, g), (rec) => target.applyRecord(rec));
      records += r.records;
      bytes += r.bytes;
    }
    const gen = gens.at(-1) ?? snapshotGen;
    const fh = await openLog(logPath(dir, gen));
    await fsyncDir(dir);
    const journal = new Journal(dir, fh, gen, target, limits);
    journal.records = records;
    journal.bytes = bytes;
    journal.snapshotBytes = snapshot.size;
    await removeLogsBefore(dir, snapshotGen);
    if (gens.length > 1 || journal.overLimit()) await journal.compact();
    return journal;
  }

  /** Appends one record; resolves once it is on disk. */
  append(record: string): Promise<void> {
    if (this.failure !== null) return Promise.reject(this.failure);
    return new Promise<void>((resolve, reject) => {
      this.pending.push(`${record}\n`);
      this.waiters.push({ resolve, reject });
      this.kick();
    });
  }

  /** Writes a snapshot of the current state and starts a fresh log; resolves when done. */
  async compact(): Promise<void> {
    await this.compacting;
    this.rotateRequested = true;
    this.kick();
    await this.whenIdle();
    await this.compacting;
  }

  /** Waits for pending appends and any running compaction, then closes the log. */
  async close(): Promise<void> {
    await this.whenIdle();
    await this.compacting;
    await this.fh.close();
  }

  private kick(): void {
    if (this.running) return;
    this.running = true;
    // setImmediate, not a microtask: lets every write issued in this turn of the event loop join the batch.
    setImmediate(() => void this.loop());
  }

  private async loop(): Promise<void> {
    while (this.pending.length > 0 || this.rotateRequested) {
      if (this.rotateRequested) await this.rotate().catch((err) => this.target.onBackgroundError(err));
      if (this.pending.length > 0) await this.flush();
    }
    // No await between the emptiness check and here, so a concurrent append always sees running=false.
    this.running = false;
    for (const done of this.idle.splice(0)) done();
  }

  private async flush(): Promise<void> {
    const data = this.pending.join('');
    const waiters = this.waiters;
    this.pending = [];
    this.waiters = [];
    try {
      await appendDurably(this.fh, Buffer.from(data));
    } catch (err) {
      // Memory already holds these writes but the disk may not: stop accepting writes rather than diverge silently.
      this.failure ??= err;
      for (const w of waiters) w.reject(err);
      return;
    }
    this.records += waiters.length;
    this.bytes += Buffer.byteLength(data);
    for (const w of waiters) w.resolve();
    if (this.compacting === null && this.overLimit()) this.rotateRequested = true;
  }

  /**
   * Starts the next log generation and snapshots the state in the same synchronous step, so the
   * snapshot holds exactly what the older logs hold plus whatever is pending for the new one.
   * Replaying the new log over the snapshot is harmless: records are full images and deletes.
   */
  private async rotate(): Promise<void> {
    this.rotateRequested = false;
    if (this.compacting !== null) return;
    const next = this.gen + 1;
    const fh = await openLog(logPath(this.dir, next));
    await fsyncDir(this.dir);
    const old = this.fh;
    this.fh = fh;
    this.gen = next;
    this.records = 0;
    this.bytes = 0;
    const state = this.target.capture();
    this.compacting = this.writeSnapshot(next, state, old).finally(() => {
      this.compacting = null;
    });
  }

  private async writeSnapshot(gen: number, state: SnapshotSource, old: FileHandle): Promise<void> {
    try {
      await old.close();
      const written = await writeSnapshot(this.dir, gen, state);
      this.target.adopt(state, written);
      this.snapshotBytes = written.size;
      await removeLogsBefore(this.dir, gen);
    } catch (err) {
      // The old logs stay until a snapshot covers them, so a failed compaction loses nothing.
      this.target.onBackgroundError(err);
    }
  }

  // The log must also have reached its share of the last snapshot: otherwise a large store would
  // rewrite its whole snapshot every few thousand writes, and compaction would cost more the longer
  // the hub runs.
  private overLimit(): boolean {
    return (
      (this.records >= this.limits.records || this.bytes >= this.limits.bytes) && this.bytes >= this.snapshotBytes * this.limits.logShare
    );
  }

  private whenIdle(): Promise<void> {
    if (!this.running) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }
}

// O_DSYNC: a write returns once its data is on disk, as a write followed by fdatasync would, in one
// system call (one trip through libuv's thread pool instead of two) on the path of every acknowledged write.
const DSYNC = constants.O_DSYNC;

/** Opens a log for appending; with O_DSYNC where the platform has it. */
function openLog(path: string): Promise<FileHandle> {
  return DSYNC === undefined ? open(path, 'a') : open(path, constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | DSYNC, 0o666);
}

/** Appends all of `data` and returns once it is on disk. */
async function appendDurably(fh: FileHandle, data: Buffer): Promise<void> {
  for (let at = 0; at < data.length;) at += (await fh.write(data, at, data.length - at)).bytesWritten;
  if (DSYNC === undefined) await fh.datasync();
}
