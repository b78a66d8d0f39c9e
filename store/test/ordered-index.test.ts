import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openEmbeddedEngine, type EmbeddedEngine } from '../src/index.js';
import type { DocCollection } from '@hub/core';
import { prng } from './helpers.js';
import { OrderedIndex } from '../src/embedded/ordered-index.js';
import type { DocTable } from '../src/embedded/doc-table.js';

let engine: EmbeddedEngine;
beforeEach(async () => {
  engine = await openEmbeddedEngine({ dir: await mkdtemp(join(tmpdir(), 'oidx-')) });
});
afterEach(() => engine.close());

const claimFilter = (now: number) => ({
  $or: [
    { status: 'queued', runAt: { $lte: now } },
    { status: 'running', lease: { $lt: now } },
  ],
});
const sortedFinds: Array<[Record<string, unknown>, Record<string, 1 | -1>, number?]> = [
  [claimFilter(50), { lane: 1, runAt: 1 }, 1],
  [claimFilter(80), { lane: 1, runAt: 1 }],
  [{ status: 'queued' }, { lane: 1, runAt: 1 }],
  [{ status: 'queued', runAt: { $lt: 40 } }, { lane: 1, runAt: 1 }, 3],
  [{ status: 'queued', lane: 1 }, { runAt: 1 }, 2],
  [{ tenant: 't1' }, { at: -1 }, 5],
  [{ tenant: 't2', status: 'failed' }, { at: -1 }],
  [{ status: { $eq: 'running' } }, { lane: 1, runAt: 1 }],
];

const unsortedFinds: Array<[Record<string, unknown>, Record<string, 1 | -1>?, number?]> = [
  [{ at: { $lt: 10 } }],
  [{ at: { $lte: 5 }, status: 'queued' }],
  [{ imp: 'i1' }],
  [{ 'meta.phone': 'p1' }],
  [{ 'meta.phone': 'p0' }, { at: -1 }, 2],
  [{ status: 'running' }],
  [{ tenant: 't1', status: 'failed' }],
  [{ tenant: 't2' }],
  [{ tenant: 't0', key: { $in: ['d1', 'd2', 'd50', 'n11_40'] } }],
];

// Random writes to an indexed collection and a plain one; every read must answer the same.
async function exercise(indexed: DocCollection, plain: DocCollection, seed: number, afterOp?: (i: number) => Promise<void>) {
  const rand = prng(seed);
  const statuses = ['queued', 'running', 'failed', 'succeeded'];
  const both = async (fn: (c: DocCollection) => Promise<unknown>) => expect(await fn(indexed)).toEqual(await fn(plain));
  for (let i = 0; i < 400; i++) {
    const id = `d${Math.floor(rand() * 90)}`;
    const r = rand();
    // Lanes are sometimes missing (jobs stored before lanes) and sometimes of another type; ties in runAt are common.
    const lane = r < 0.1 ? undefined : r < 0.15 ? 'x' : Math.floor(rand() * 2);
    const doc = {
      status: statuses[Math.floor(rand() * 4)],
      tenant: `t${Math.floor(rand() * 3)}`,
      runAt: Math.floor(rand() * 20) * 5,
      lease: Math.floor(rand() * 100),
      at: Math.floor(rand() * 30),
      ...(lane === undefined ? {} : { lane }),
      // A nested field most docs have and an import id few do (the sparse case).
      ...(rand() < 0.8 ? { meta: { phone: `p${Math.floor(rand() * 2)}` } } : {}),
      ...(rand() < 0.2 ? { imp: `i${Math.floor(rand() * 2)}` } : {}),
    };
    const op = rand();
    // `key` repeats the id: unique by construction, for the unique index's ranges.
    if (op < 0.35) await both((c) => c.updateOne({ _id: id }, { $set: { ...doc, key: id } }, { upsert: true }));
    else if (op < 0.45) await both((c) => c.updateOne({ _id: id }, { $unset: { lane: '' } }));
    else if (op < 0.55) await both((c) => c.deleteOne({ _id: id }));
    else if (op < 0.6) await both((c) => c.deleteMany({ at: { $lt: 3 }, status: 'failed' }));
    else if (op < 0.8)
      await both((c) =>
        c.findOneAndUpdate(
          claimFilter(doc.lease),
          { $set: { status: 'running', lease: 100 } },
          { sort: { lane: 1, runAt: 1 }, returnDocument: 'after' },
        ),
      );
    else await both((c) => c.insertOne({ _id: `n${seed}_${i}`, ...doc, key: `n${seed}_${i}` }));
    await afterOp?.(i);
    if (i % 20 === 0) {
      for (const [f, sort, limit] of [...sortedFinds, ...unsortedFinds]) {
        expect(await indexed.find(f, { sort, limit }).toArray(), JSON.stringify([f, sort, limit])).toEqual(
          await plain.find(f, { sort, limit }).toArray(),
        );
      }
      expect(await indexed.find({ status: 'queued' }, { sort: { lane: 1, runAt: 1 }, skip: 2, limit: 3 }).toArray()).toEqual(
        await plain.find({ status: 'queued' }, { sort: { lane: 1, runAt: 1 }, skip: 2, limit: 3 }).toArray(),
      );
    }
  }
}

async function indexAll(c: DocCollection): Promise<void> {
  await c.createIndex({ status: 1, lane: 1, runAt: 1 });
  await c.createIndex({ tenant: 1, at: -1 });
  await c.createIndex({ at: 1 });
  await c.createIndex({ 'meta.phone': 1, at: -1 });
  await c.createIndex({ imp: 1 });
  await c.createIndex({ tenant: 1, key: 1 }, { unique: true });
}

describe('ordered indexes in the embedded engine', () => {
  it('answer sorted lookups, ranges and claims exactly as a scan and sort do, through inserts, updates and deletes', async () => {
    const indexed = engine.collection('indexed');
    await indexAll(indexed);
    await exercise(indexed, engine.collection('plain'), 11);
  });

  it('answer the same with cold docs read back from the snapshot, across compactions and a reopen', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'oidx-cold-'));
    let cold = await openEmbeddedEngine({ dir, coldDocs: true });
    try {
      await indexAll(cold.collection('indexed'));
      const plain = engine.collection('plain');
      // Compactions turn everything unchanged into cold references while writes keep coming.
      await exercise(cold.collection('indexed'), plain, 12, async (i) => {
        if (i % 37 === 0) await cold.compact();
      });
      await cold.close();
      cold = await openEmbeddedEngine({ dir, coldDocs: true });
      const again = cold.collection('indexed');
      // Memory holds references for what the snapshot has, not the docs.
      const held = (again as unknown as { docs: DocTable }).docs.rawEntries().values;
      expect(held.filter((v) => typeof v === 'number').length).toBeGreaterThan(held.length / 2);
      // The snapshot carries the index definitions: unique or not, they are back before any createIndex.
      for (const [f, sort, limit] of [...sortedFinds, ...unsortedFinds]) {
        expect(await again.find(f, { sort, limit }).toArray(), JSON.stringify([f, sort, limit])).toEqual(
          await plain.find(f, { sort, limit }).toArray(),
        );
      }
      expect(await again.find({}).toArray()).toEqual(await plain.find({}).toArray());
      await indexAll(again);
      await exercise(again, plain, 13);
    } finally {
      await cold.close();
    }
  });

  it('reads only the head of the due range: past the due time in one lane it seeks to the next lane', () => {
    const order = new Map<string, number>();
    const idx = new OrderedIndex({ status: 1, lane: 1, runAt: 1 }, (id) => order.get(id)!);
    const docs = Array.from({ length: 10_000 }, (_, i) => ({
      _id: `j${i}`,
      status: 'queued',
      lane: i % 2,
      runAt: i % 2 === 0 ? 1_000 + i : i,
    }));
    docs.forEach((d, i) => order.set(d._id, i));
    idx.build(docs);
    // Lane 0 holds only jobs due later than 500: the first due one is lane 1's earliest.
    const ids = idx.lookup({ status: 'queued', runAt: { $lte: 500 } }, { lane: 1, runAt: 1 })!;
    const it = ids[Symbol.iterator]();
    expect(it.next().value).toBe('j1');
    expect(idx.lookup({ status: 'queued' }, { runAt: 1 })).toBeUndefined(); // the sort skips lane: not this index's order
    expect(idx.lookup({ status: { $in: ['queued'] } }, { lane: 1, runAt: 1 })).toBeUndefined();
  });

  it('stops answering once a doc holds an array in an indexed field (MongoDB would match its elements)', async () => {
    const c = engine.collection('arr');
    await c.createIndex({ status: 1, runAt: 1 });
    await c.insertOne({ _id: 'a', status: 'queued', runAt: 2 });
    await c.insertOne({ _id: 'b', status: ['queued', 'x'], runAt: 1 });
    expect((await c.find({ status: 'queued' }, { sort: { runAt: 1 } }).toArray()).map((d) => d._id)).toEqual(['b', 'a']);
  });

  it('indexes docs loaded from disk at open, in their insertion order', async () => {
    const dir = engine.dir;
    const c = engine.collection('persisted');
    for (let i = 0; i < 20; i++) await c.insertOne({ _id: `p${i}`, status: 'queued', lane: i % 2, runAt: 7 });
    await engine.close();
    engine = await openEmbeddedEngine({ dir });
    const again = engine.collection('persisted');
    await again.createIndex({ status: 1, lane: 1, runAt: 1 });
    await again.insertOne({ _id: 'late', status: 'queued', lane: 0, runAt: 7 });
    const ids = (await again.find({ status: 'queued' }, { sort: { lane: 1, runAt: 1 } }).toArray()).map((d) => d._id);
    expect(ids).toEqual([
      ...Array.from({ length: 10 }, (_, i) => `p${2 * i}`),
      'late',
      ...Array.from({ length: 10 }, (_, i) => `p${2 * i + 1}`),
    ]);
  });
});
