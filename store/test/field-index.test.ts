import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openEmbeddedEngine, type EmbeddedEngine } from '../src/index.js';
import type { DocCollection } from '@hub/core';
import { prng } from './helpers.js';
import { FieldIndex } from '../src/embedded/field-index.js';

let engine: EmbeddedEngine;
beforeEach(async () => {
  engine = await openEmbeddedEngine({ dir: await mkdtemp(join(tmpdir(), 'fidx-')) });
});
afterEach(() => engine.close());

const filters: Record<string, unknown>[] = [
  { status: 'queued' },
  { status: { $in: ['queued', 'failed'] } },
  { tenant: 't1', status: 'running' },
  {
    $or: [
      { status: 'queued', runAt: { $lte: 50 } },
      { status: 'running', lease: { $lt: 30 } },
    ],
  },
  { tenant: 't2' },
  { status: { $eq: 'failed' } },
  { tag: 'x' },
  { status: 'nope' },
];

describe('field indexes in the embedded engine', () => {
  it('answer exactly what a scan answers, in the same order, through inserts, updates and deletes', async () => {
    const indexed = engine.collection('indexed');
    const plain = engine.collection('plain');
    await indexed.createIndex({ status: 1, runAt: 1 });
    await indexed.createIndex({ tenant: 1, status: 1 });
    await indexed.createIndex({ tag: 1 });
    const rand = prng(7);
    const statuses = ['queued', 'running', 'failed', 'succeeded'];
    const both = async (fn: (c: DocCollection) => Promise<unknown>) => {
      await fn(indexed);
      await fn(plain);
    };
    for (let i = 0; i < 300; i++) {
      const id = `d${Math.floor(rand() * 80)}`;
      const r = rand();
      const doc = {
        status: statuses[Math.floor(rand() * 4)],
        tenant: `t${Math.floor(rand() * 3)}`,
        runAt: Math.floor(rand() * 100),
        lease: Math.floor(rand() * 60),
      };
      if (r < 0.4) await both((c) => c.updateOne({ _id: id }, { $set: doc }, { upsert: true }));
      else if (r < 0.6) await both((c) => c.updateOne({ _id: id }, { $unset: { status: '' } }));
      else if (r < 0.75) await both((c) => c.deleteOne({ _id: id }));
      else if (r < 0.85)
        await both((c) => c.findOneAndUpdate({ status: 'queued' }, { $set: { status: 'running' } }, { sort: { runAt: 1 } }));
      else await both((c) => c.insertOne({ _id: `n${i}`, ...doc, ...(i % 7 === 0 ? { tag: 'x' } : {}) }));
      if (i % 25 === 0) {
        for (const f of filters) expect(await indexed.find(f).toArray(), JSON.stringify(f)).toEqual(await plain.find(f).toArray());
      }
    }
    for (const f of filters) {
      expect(await indexed.find(f).toArray()).toEqual(await plain.find(f).toArray());
      expect(await indexed.countDocuments(f)).toBe(await plain.countDocuments(f));
    }
  });

  it('moves ids between buckets, so a bucket holds only current matches', () => {
    const idx = new FieldIndex('status');
    idx.build([
      { _id: 'a', status: 'queued' },
      { _id: 'b', status: 'queued' },
      { _id: 'c', status: 1 },
    ]);
    idx.apply([{ _id: 'a', status: 'queued' }], [{ _id: 'a', status: 'running' }]);
    idx.apply([{ _id: 'b', status: 'queued' }], []);
    expect([...idx.idsFor('queued')!]).toEqual([]);
    expect([...idx.idsFor({ $in: ['running', 1] })!].sort()).toEqual(['a', 'c']);
    expect(idx.idsFor('1')!.size).toBe(0); // the string '1' is not the number 1
    expect(idx.idsFor({ $gt: 1 })).toBeUndefined();
  });

  it('stops answering for a field once a doc holds an array there (Mongo matches elements)', async () => {
    const c = engine.collection('arr');
    await c.createIndex({ tag: 1 });
    await c.insertOne({ _id: 'a', tag: 'x' });
    await c.insertOne({ _id: 'b', tag: ['x', 'y'] });
    expect((await c.find({ tag: 'x' }).toArray()).map((d) => d._id)).toEqual(['a', 'b']);
  });

  it('indexes docs loaded from disk at open', async () => {
    const dir = engine.dir;
    const c = engine.collection('persisted');
    for (let i = 0; i < 20; i++) await c.insertOne({ _id: `p${i}`, status: i % 2 ? 'odd' : 'even' });
    await engine.close();
    engine = await openEmbeddedEngine({ dir });
    const again = engine.collection('persisted');
    await again.createIndex({ status: 1 });
    expect((await again.find({ status: 'odd' }).toArray()).map((d) => d._id)).toEqual(
      Array.from({ length: 10 }, (_, i) => `p${2 * i + 1}`),
    );
    await again.insertOne({ _id: 'late', status: 'odd' });
    expect((await again.find({ status: 'odd' }).toArray()).at(-1)?._id).toBe('late');
  });
});
