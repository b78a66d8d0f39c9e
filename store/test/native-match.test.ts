import { Query } from 'mingo';
import { describe, expect, it } from 'vitest';
import { compileNative } from '../src/embedded/native-match.js';
import type { Doc } from '@hub/core';

const docs: Doc[] = [
  { _id: '1', status: 'queued', runAt: 5, n: 1, s: 'b', nested: { k: 'x' }, flag: true },
  { _id: '2', status: 'running', leaseUntil: 3, n: '1', s: 'a', nested: { k: 'y' } },
  { _id: '3', status: 'failed', n: null, s: 10, tags: ['a', 'b'], nested: [{ k: 'x' }] },
  { _id: '4', status: 'queued', runAt: 50, n: 2.5, flag: false },
  { _id: '5' },
];

const filters: Record<string, unknown>[] = [
  { status: 'queued' },
  { status: { $in: ['queued', 'running'] } },
  { status: { $nin: ['queued'] } },
  { status: { $ne: 'queued' } },
  { n: 1 },
  { n: { $gt: 0 } },
  { n: { $gte: '1' } },
  { s: { $lt: 'b' } },
  { s: { $lte: 10 } },
  { runAt: { $gte: 5, $lt: 50 } },
  { flag: { $exists: true } },
  { flag: { $exists: false } },
  { flag: false },
  { 'nested.k': 'x' },
  { tags: 'a' },
  { n: { $ne: 1 } },
  {
    $or: [
      { status: 'queued', runAt: { $lte: 10 } },
      { status: 'running', leaseUntil: { $lt: 4 } },
    ],
  },
  { $and: [{ status: { $in: ['queued', 'failed'] } }, { n: { $exists: true } }] },
  { status: 'queued', $or: [{ flag: true }, { runAt: { $gt: 40 } }] },
];

describe('the native matcher agrees with mingo wherever it gives a verdict', () => {
  it.each(filters.map((f) => [JSON.stringify(f), f] as const))('%s', (_name, filter) => {
    const native = compileNative(filter);
    expect(native).not.toBeNull();
    const q = new Query(filter);
    for (const doc of docs) {
      const verdict = native!(doc);
      if (verdict !== undefined) expect(verdict, `doc ${doc._id}`).toBe(q.test(doc));
    }
  });

  it('leaves what it does not know to mingo', () => {
    expect(compileNative({ a: { $regex: 'x' } })).toBeNull();
    expect(compileNative({ a: { $elemMatch: { b: 1 } } })).toBeNull();
    expect(compileNative({ a: null })).toBeNull();
    expect(compileNative({ $where: 'x' })).toBeNull();
    expect(compileNative({ $or: [] })).toBeNull();
    expect(compileNative({ tags: 'a' })!(docs[2])).toBeUndefined();
  });
});
