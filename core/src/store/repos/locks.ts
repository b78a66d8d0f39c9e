import type { DocCollection } from '../types.js';
import { DUPLICATE_KEY_CODE } from '../types.js';
import { sleep } from '../../http/limiter.js';

type LockDoc = {
  _id: string;
  owner: string;
  until: number;
};

/**
 * Leases in the store: a lock that works across hub processes sharing one database, and that a
 * dead holder gives up when its lease runs out.
 */
export class LockRepo {
  constructor(readonly col: DocCollection<LockDoc>) {}

  /**
   * Tries once to take the lease; true when taken. Not re-entrant: an owner that holds the lease
   * gets false too, so two tasks sharing an owner id can never both be inside.
   */
  async tryAcquire(key: string, owner: string, ttlMs: number): Promise<boolean> {
    const now = Date.now();
    try {
      const doc = await this.col.findOneAndUpdate(
        { _id: key, until: { $lt: now } },
        { $set: { owner, until: now + ttlMs } },
        { upsert: true, returnDocument: 'after' },
      );
      return doc?.owner === owner;
    } catch (err) {
      if ((err as { code?: number }).code === DUPLICATE_KEY_CODE) return false;
      throw err;
    }
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
