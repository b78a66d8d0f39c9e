import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testEngines, type OpenedTestEngine } from '@hub/store/testing';
import { StoreRateBudget, type BudgetSlot } from '../../src/http/shared-budget.js';

describe.each(testEngines())('a rate budget shared through the store, on $name', (target) => {
  let opened: OpenedTestEngine;
  beforeEach(async () => {
    opened = await target.open();
  });
  afterEach(() => opened.dispose());

  // One retry: the windows are checked on timestamps taken as requests go out, and a stalled CI box once put 11 in a window of 10.
  it('three processes drawing on one connection stay under its limit in every window, whatever its alignment', { retry: 1 }, async () => {
    const spec = { requests: 10, perMs: 400 };
    // Three budgets over one collection: three hub processes sharing the store.
    const processes = [0, 1, 2].map(
      () => new StoreRateBudget(opened.engine.collection<BudgetSlot>('rate_slots'), () => opened.engine.now()),
    );
    await processes[0].ensureIndexes();
    const sent: number[] = [];
    await Promise.all(
      processes.flatMap((budget) =>
        Array.from({ length: 8 }, async () => {
          await budget.take('int_1', spec);
          sent.push(Date.now());
        }),
      ),
    );
    sent.sort((a, b) => a - b);
    expect(sent).toHaveLength(24);
    for (const start of sent) expect(sent.filter((t) => t >= start && t < start + spec.perMs).length).toBeLessThanOrEqual(spec.requests);
    // Another connection has its own budget.
    const t0 = Date.now();
    await processes[1].take('int_2', spec);
    expect(Date.now() - t0).toBeLessThan(200);
  });
});
