import type { RateLimitSpec } from '@hub/manifests';
import type { DocCollection } from '../store/types.js';
import { isDuplicateKeyError } from '../store/errors.js';
import { sleep } from './limiter.js';

/** One request's place in a connection's shared budget. */
export type BudgetSlot = { _id: string; key: string; expiresAt: number };

/** A rate budget that every process sharing the store draws from. */
export interface SharedBudget {
  /** Waits until a request on `key` fits the budget, and takes its place. */
  take(key: string, spec: RateLimitSpec, signal?: AbortSignal): Promise<void>;
}

/** The window is cut in this many slices, each allowed an equal share. */
const SLICES = 4;

/**
 * One rate budget per connection in the store, shared by every hub process. The manifest's window
 * is cut into slices; each slice holds `requests / (SLICES + 1)` numbered slots, and a request takes
 * one with a unique insert (atomic on every engine, FerretDB included, where an $inc is not). Any
 * span of one window touches at most SLICES + 1 slices, so N processes together stay under the
 * CRM's limit however its own window is aligned, at the cost of a fifth of the budget.
 */
export class StoreRateBudget implements SharedBudget {
  private readonly next = new Map<string, { slice: number; slot: number }>();
  private taken = 0;

  constructor(
    private readonly col: DocCollection<BudgetSlot>,
    private readonly now: () => number,
  ) {}

  /** Creates the index the clean-up uses. */
  async ensureIndexes(): Promise<void> {
    await this.col.createIndex({ expiresAt: 1 });
  }

  async take(key: string, spec: RateLimitSpec, signal?: AbortSignal): Promise<void> {
    const sliceMs = Math.max(1, Math.floor(spec.perMs / SLICES));
    const perSlice = Math.max(1, Math.floor(spec.requests / (SLICES + 1)));
    for (;;) {
      const now = this.now();
      const slice = Math.floor(now / sliceMs);
      const hint = this.next.get(key);
      for (let slot = hint?.slice === slice ? hint.slot : 0; slot < perSlice; slot++) {
        if (await this.claim(key, slice, slot, (slice + 1) * sliceMs + spec.perMs)) {
          this.next.set(key, { slice, slot: slot + 1 });
          return;
        }
      }
      this.next.set(key, { slice, slot: perSlice });
      await sleep((slice + 1) * sliceMs - now, signal);
    }
  }

  private async claim(key: string, slice: number, slot: number, expiresAt: number): Promise<boolean> {
    try {
      await this.col.insertOne({ _id: `${key}:${slice}:${slot}`, key, expiresAt });
    } catch (err) {
      if (isDuplicateKeyError(err)) return false;
      throw err;
    }
    // Spent slots are swept now and then by whichever process happens to take the hundredth.
    if (++this.taken % 100 === 0) void this.col.deleteMany({ expiresAt: { $lt: this.now() } }).catch(() => undefined);
    return true;
  }
}
