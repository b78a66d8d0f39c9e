import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testEngines, type OpenedTestEngine } from '@hub/store/testing';
import { LockRepo } from '../../src/store/repos/locks.js';

describe.each(testEngines())('LockRepo on $name', (target) => {
  let opened: OpenedTestEngine;
  let locks: LockRepo;
  beforeEach(async () => {
    opened = await target.open();
    locks = new LockRepo(opened.engine.collection('locks'));
  });
  afterEach(() => opened.dispose());

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

  it('an expired lease is taken over by exactly one of several processes racing for it', async () => {
    const peers = [locks, new LockRepo((await opened.peer()).collection('locks')), new LockRepo((await opened.peer()).collection('locks'))];
    for (let round = 0; round < 5; round++) {
      expect(await locks.tryAcquire(`k${round}`, 'dead', 1)).toBe(true);
      await new Promise((r) => setTimeout(r, 5));
      const won = await Promise.all(Array.from({ length: 9 }, (_, i) => peers[i % 3].tryAcquire(`k${round}`, `o${i}`, 10_000)));
      expect(won.filter(Boolean)).toHaveLength(1);
      const holder = `o${won.indexOf(true)}`;
      expect((await locks.col.findOne({ _id: `k${round}` }))?.owner).toBe(holder);
      await locks.release(`k${round}`, 'dead'); // the dead holder, back: no effect
      expect((await locks.col.findOne({ _id: `k${round}` }))?.owner).toBe(holder);
    }
    expect(await locks.pruneTakeovers(Date.now() + 2 * 86_400_000)).toBe(5);
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
