import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openEmbeddedEngine } from '@hub/store';
import type { StoreEngine } from '../../src/store/types.js';
import { LockRepo } from '../../src/store/repos/locks.js';

let engine: StoreEngine;
let locks: LockRepo;
beforeEach(async () => {
  engine = await openEmbeddedEngine({ dir: await mkdtemp(join(tmpdir(), 'locks-')) });
  locks = new LockRepo(engine.collection('locks'));
});
afterEach(() => engine.close());

describe('LockRepo', () => {
  it('is exclusive, even for the same owner, until released or expired', async () => {
    expect(await locks.tryAcquire('k', 'a', 10_000)).toBe(true);
    expect(await locks.tryAcquire('k', 'b', 10_000)).toBe(false);
    expect(await locks.tryAcquire('k', 'a', 10_000)).toBe(false);
    await locks.release('k', 'b'); // not the holder: no effect
    expect(await locks.tryAcquire('k', 'b', 10_000)).toBe(false);
    await locks.release('k', 'a');
    expect(await locks.tryAcquire('k', 'b', 1)).toBe(true);
    await new Promise((r) => setTimeout(r, 5));
    expect(await locks.tryAcquire('k', 'c', 10_000)).toBe(true); // b's lease expired
  });

  it('withLock runs critical sections one at a time', async () => {
    let inside = 0;
    let peak = 0;
    await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        locks.withLock('k', `o${i}`, async () => {
          peak = Math.max(peak, ++inside);
          await new Promise((r) => setTimeout(r, 5));
          inside--;
        }),
      ),
    );
    expect(peak).toBe(1);
  });
});
