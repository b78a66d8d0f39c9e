import { randomUUID } from 'node:crypto';
import type { DocCollection } from '../types.js';
import { isDuplicateKeyError } from '../errors.js';
import { sleep } from '../../http/limiter.js';

type LockDoc = {
  _id: string;
  owner: string;
  until: number;
  /** this holding's own id: an expired holding is taken over once, by whoever inserts `takeover:<key>#<nonce>` */
  nonce?: string;
  /** a takeover record, kept a day (the holding it replaced is long gone by then) */
  takeover?: boolean;
};

const TAKEOVER_KEPT_MS = 86_400_000;

/**
 * Leases in the store: a lock that works across hub processes sharing one database, and that a
 * dead holder gives up when its lease runs out. Built on unique inserts only: FerretDB 1.x applies
 * an update as a read then a write, so two processes taking over one expired lock with a filtered
 * update would both succeed; an insert of a unique _id lets exactly one through on every engine.
 */
export class LockRepo {
  constructor(readonly col: DocCollection<LockDoc>) {}

  /**
   * Tries once to take the lease; true when taken. Not re-entrant: an owner that holds the lease
   * gets false too, so two tasks sharing an owner id can never both be inside.
   */
  async tryAcquire(key: string, owner: string, ttlMs: number): Promise<boolean> {
    const now = Date.now();
    const mine = { owner, until: now + ttlMs, nonce: randomUUID() };
    if (await unlessTaken(this.col.insertOne({ _id: key, ...mine }))) return true;
    const held = await this.col.findOne({ _id: key });
    if (!held || held.until >= now) return false;
    // Expired: one takeover per holding, decided by a unique insert named after it.
    const takeover = `takeover:${key}#${held.nonce ?? `${held.owner}@${held.until}`}`;
    if (!(await unlessTaken(this.col.insertOne({ _id: takeover, owner, until: now + TAKEOVER_KEPT_MS, takeover: true })))) return false;
    // Upsert: the old holder may have released it meanwhile; then whoever inserts first holds it.
    return unlessTaken(this.col.updateOne({ _id: key }, { $set: mine }, { upsert: true }));
  }

  /** Removes takeover records older than a day. */
  async pruneTakeovers(now = Date.now()): Promise<number> {
    return (await this.col.deleteMany({ takeover: true, until: { $lt: now } })).deletedCount;
  }

  /** Releases the lease if this owner still holds it. */
  async release(key: string, owner: string): Promise<void> {
    await this.col.deleteOne({ _id: key, owner });
  }

  /** Runs fn holding the lease, waiting for it up to waitMs. */
  async withLock<T>(key: string, owner: string, fn: () => Promise<T>, opts: { ttlMs?: number; waitMs?: number } = {}): Promise<T> {
    const ttl = opts.ttlMs ?? 30_000;
    const deadline = Date.now() + (opts.waitMs ?? 30_000);
    let delay = 5;
    while (!(await this.tryAcquire(key, owner, ttl))) {
      if (Date.now() > deadline) throw new Error(`lock ${key} is still held after ${opts.waitMs ?? 30_000} ms`);
      await sleep(delay + Math.random() * delay);
      delay = Math.min(delay * 2, 200);
    }
    try {
      return await fn();
    } finally {
      await this.release(key, owner);
    }
  }
}

/** True once `write` lands; false when a unique _id made it a duplicate (someone else got there first). */
async function unlessTaken(write: Promise<unknown>): Promise<boolean> {
  try {
    await write;
    return true;
  } catch (err) {
    if (isDuplicateKeyError(err)) return false;
    throw err;
  }
}
