import { appendFile, readFile, readdir, stat, writeFile } from 'node:fs/promises';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openEmbeddedEngine, type EmbeddedEngine } from '../src/index.js';
import { exited, readLines, spawnChild, tempDir } from './helpers.js';
import type { DocTable } from '../src/embedded/doc-table.js';

async function waitFor(check: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 200 && !(await check()); i++) await new Promise((r) => setTimeout(r, 10));
  expect(await check()).toBe(true);
}

let tmp: { dir: string; remove(): Promise<void> };
const open: EmbeddedEngine[] = [];

async function openStore(options: { compactAfterRecords?: number } = {}): Promise<EmbeddedEngine> {
  const engine = await openEmbeddedEngine({ dir: tmp.dir, ...options });
  open.push(engine);
  return engine;
}

async function logFiles(): Promise<string[]> {
  return (await readdir(tmp.dir)).filter((n) => n.endsWith('.log')).sort();
}

async function logBytes(): Promise<number> {
  let total = 0;
  for (const name of await logFiles()) total += (await stat(join(tmp.dir, name))).size;
  return total;
}

beforeEach(async () => {
  tmp = await tempDir();
});
afterEach(async () => {
  for (const engine of open.splice(0)) await engine.close();
  await tmp.remove();
});

describe('embedded engine: durability', () => {
  it('keeps inserts, updates and deletes across close and reopen', async () => {
    const first = await openStore();
    const c = first.collection('calls');
    await c.insertOne({ _id: 'a', v: 1, at: '2026-01-01T00:00:00.000Z' });
    await c.insertOne({ _id: 'b', v: 1 });
    await c.insertOne({ _id: 'gone', v: 1 });
    await c.updateOne({ _id: 'a' }, { $inc: { v: 1 }, $push: { log: 'x' } });
    await c.updateOne({ _id: 'up' }, { $setOnInsert: { v: 9 } }, { upsert: true });
    await c.deleteOne({ _id: 'gone' });
    await first.close();

    const second = await openStore();
    const docs = await second
      .collection('calls')
      .find({}, { sort: { _id: 1 } })
      .toArray();
    expect(docs).toEqual([
      { _id: 'a', v: 2, at: '2026-01-01T00:00:00.000Z', log: ['x'] },
      { _id: 'b', v: 1 },
      { _id: 'up', v: 9 },
    ]);
  });

  it('ignores a torn last journal line and keeps appending cleanly after it', async () => {
    const first = await openStore();
    await first.collection('c').insertOne({ _id: 'kept', v: 1 });
    await first.close();
    const [log] = await logFiles();
    await appendFile(join(tmp.dir, log), '{"c":"c","put":[{"_id":"torn","v":');

    const second = await openStore();
    expect(await second.collection('c').find({}).toArray()).toEqual([{ _id: 'kept', v: 1 }]);
    await second.collection('c').insertOne({ _id: 'after', v: 2 });
    await second.close();

    const third = await openStore();
    expect(await third.collection('c').countDocuments()).toBe(2);
    expect(await third.collection('c').findOne({ _id: 'torn' })).toBeNull();
  });

  it('refuses to open over a damaged record that is not the last line', async () => {
    const first = await openStore();
    await first.collection('c').insertOne({ _id: 'a' });
    await first.close();
    const [log] = await logFiles();
    await appendFile(join(tmp.dir, log), 'garbage\n{"c":"c","put":[{"_id":"b"}]}\n');
    await expect(openEmbeddedEngine({ dir: tmp.dir })).rejects.toThrow(/damaged/);
    // The failed open must not leave the folder locked.
    await readFile(join(tmp.dir, 'store.lock')).then(
      () => expect.fail('lock left behind'),
      () => undefined,
    );
  });
});

describe('embedded engine: compaction', () => {
  it('compacts on demand: all data kept, log shrunk', async () => {
    const engine = await openStore();
    const c = engine.collection('c');
    for (let i = 0; i < 200; i++) await c.insertOne({ _id: `d${i}`, i });
    for (let i = 0; i < 200; i++) await c.updateOne({ _id: `d${i}` }, { $inc: { i: 1000 } });
    await c.deleteMany({ i: { $gte: 1100 } });
    const before = await logBytes();
    await engine.compact();
    expect(await logBytes()).toBeLessThan(before / 10);
    expect(await logFiles()).toHaveLength(1);
    await engine.close();

    const reopened = await openStore();
    const docs = await reopened
      .collection('c')
      .find({}, { sort: { i: 1 } })
      .toArray();
    expect(docs).toEqual(Array.from({ length: 100 }, (_, i) => ({ _id: `d${i}`, i: i + 1000 })));
  });

  it('compacts in the background past the record threshold, writes continuing meanwhile', async () => {
    const engine = await openStore({ compactAfterRecords: 50 });
    const c = engine.collection('c');
    await Promise.all(Array.from({ length: 500 }, (_, i) => c.insertOne({ _id: `d${i}`, i })));
    for (let i = 0; i < 300; i++) await c.updateOne({ _id: `d${i % 500}` }, { $inc: { n: 1 } });
    await engine.close();
    const files = await readdir(tmp.dir);
    expect(files).toContain('snapshot.jsonl');
    expect(await logFiles()).toHaveLength(1);

    const reopened = await openStore();
    const rc = reopened.collection('c');
    expect(await rc.countDocuments()).toBe(500);
    expect(await rc.countDocuments({ n: 1 })).toBe(300);
    expect(await rc.findOne({ _id: 'd499' })).toEqual({ _id: 'd499', i: 499 });
  });

  it('lets the log grow to the size of the snapshot before rewriting it (compaction stays amortised)', async () => {
    const engine = await openStore({ compactAfterRecords: 10 });
    const c = engine.collection('c');
    await Promise.all(Array.from({ length: 200 }, (_, i) => c.insertOne({ _id: `d${i}`, pad: 'x'.repeat(500) })));
    await engine.compact();
    const snapshot = (await stat(join(tmp.dir, 'snapshot.jsonl'))).mtimeMs;
    // 50 small updates pass the record threshold many times over, but their log is far smaller than the snapshot.
    for (let i = 0; i < 50; i++) await c.updateOne({ _id: `d${i}` }, { $set: { n: i } });
    await new Promise((r) => setTimeout(r, 50));
    expect((await stat(join(tmp.dir, 'snapshot.jsonl'))).mtimeMs).toBe(snapshot);
    expect(await logBytes()).toBeGreaterThan(0);
  });

  it('with cold docs, compacts once the log reaches a quarter of the snapshot, turning what it wrote cold', async () => {
    const engine = await openEmbeddedEngine({ dir: tmp.dir, compactAfterRecords: 10, coldDocs: true });
    open.push(engine);
    const c = engine.collection('c');
    await Promise.all(Array.from({ length: 200 }, (_, i) => c.insertOne({ _id: `d${i}`, pad: 'x'.repeat(500) })));
    await engine.compact();
    const snapshot = (await stat(join(tmp.dir, 'snapshot.jsonl'))).mtimeMs;
    const held = () => (c as unknown as { docs: DocTable }).docs.rawEntries().values;
    expect(held().every((v) => typeof v === 'number')).toBe(true);
    // Rewrites of a third of the docs: past a quarter of the snapshot's size in log (the hot engine
    // above waits for the whole size), so a new snapshot takes those written before it and they go
    // cold again; the few written after it stay in memory until the next.
    for (let i = 0; i < 70; i++) await c.updateOne({ _id: `d${i}` }, { $set: { pad: 'y'.repeat(500) } });
    await waitFor(async () => (await stat(join(tmp.dir, 'snapshot.jsonl'))).mtimeMs > snapshot);
    await waitFor(async () => typeof (c as unknown as { docs: DocTable }).docs.raw('d3') === 'number');
    expect(held().filter((v) => typeof v !== 'number').length).toBeLessThan(35);
    expect((await c.findOne({ _id: 'd3' }))?.pad).toBe('y'.repeat(500));
  });

  it('compacts at open when the log is already over the threshold', async () => {
    const first = await openStore();
    for (let i = 0; i < 120; i++) await first.collection('c').insertOne({ _id: `d${i}`, i });
    await first.close();
    const before = await logBytes();

    const second = await openStore({ compactAfterRecords: 100 });
    expect(await logBytes()).toBe(0);
    expect(before).toBeGreaterThan(0);
    expect(await second.collection('c').countDocuments()).toBe(120);
  });
});

describe('embedded engine: snapshot format', () => {
  it('records the index definitions in the snapshot: a unique index is enforced after reopen before any createIndex', async () => {
    const engine = await openStore();
    const c = engine.collection('keys');
    await c.createIndex({ hash: 1 }, { unique: true });
    await c.insertOne({ _id: 'a', hash: 'h1' });
    await engine.compact();
    await engine.close();
    const again = (await openStore()).collection('keys');
    await expect(again.insertOne({ _id: 'b', hash: 'h1' })).rejects.toMatchObject({ code: 11000 });
    // The same definition again is a no-op; a different one under the same name is refused.
    await expect(again.createIndex({ hash: 1 }, { unique: true })).resolves.toBe('hash_1');
    await expect(again.createIndex({ other: 1 }, { name: 'hash_1' })).rejects.toMatchObject({ code: 85 });
  });

  it('opens a snapshot of the first version (no index definitions) and indexes when asked', async () => {
    const lines = [{ v: 1, gen: 1 }, { c: 'keys', d: { _id: 'a', hash: 'h1' } }, { c: 'keys', d: { _id: 'b', hash: 'h2' } }, { end: 2 }];
    await writeFile(join(tmp.dir, 'snapshot.jsonl'), lines.map((l) => `${JSON.stringify(l)}\n`).join(''));
    for (const coldDocs of [false, true]) {
      const engine = await openEmbeddedEngine({ dir: tmp.dir, coldDocs });
      const c = engine.collection('keys');
      await c.createIndex({ hash: 1 }, { unique: true });
      expect(await c.findOne({ hash: 'h2' })).toEqual({ _id: 'b', hash: 'h2' });
      await expect(c.insertOne({ _id: 'c', hash: 'h1' })).rejects.toMatchObject({ code: 11000 });
      await engine.close();
    }
  });

  it('refuses a snapshot whose cold docs lie past its end (a truncated file), naming the damage', async () => {
    const engine = await openStore();
    const c = engine.collection('docs');
    for (let i = 0; i < 50; i++) await c.insertOne({ _id: `d${i}`, n: i, pad: 'x'.repeat(100) });
    await engine.compact();
    await engine.close();
    const path = join(tmp.dir, 'snapshot.jsonl');
    const text = await readFile(path, 'utf8');
    await writeFile(path, text.slice(0, text.length - 400));
    await expect(openEmbeddedEngine({ dir: tmp.dir, coldDocs: true })).rejects.toThrow(/damaged/);
  });
});

describe('embedded engine: one process per folder', () => {
  it('refuses a second open in the same process until the first closes', async () => {
    const first = await openStore();
    await expect(openEmbeddedEngine({ dir: tmp.dir })).rejects.toThrow(
      `the data folder ${tmp.dir} is in use by process ${process.pid}; the embedded store allows one process per folder — stop it or use MONGODB_URL`,
    );
    await first.collection('c').insertOne({ _id: 'still-works' });
    await first.close();
    const second = await openStore();
    expect(await second.collection('c').countDocuments()).toBe(1);
  });

  it('refuses a folder another live process holds', async () => {
    const child = spawnChild('hold', tmp.dir);
    try {
      await readLines(child, (line) => line === 'ready');
      await expect(openEmbeddedEngine({ dir: tmp.dir })).rejects.toThrow(`is in use by process ${child.pid}`);
    } finally {
      child.kill('SIGKILL');
      await exited(child);
    }
    // Its owner is dead now, so the lock is stale and taken over.
    const engine = await openStore();
    expect((await readFile(join(tmp.dir, 'store.lock'), 'utf8')).trim()).toBe(String(process.pid));
    expect(engine.kind).toBe('embedded');
  });

  it('takes over a stale lock naming a dead process', async () => {
    const gone = spawn(process.execPath, ['-e', '']);
    await new Promise((resolve) => gone.once('exit', resolve));
    await writeFile(join(tmp.dir, 'store.lock'), `${gone.pid}\n`);
    const engine = await openStore();
    await engine.collection('c').insertOne({ _id: 'ok' });
    expect((await readFile(join(tmp.dir, 'store.lock'), 'utf8')).trim()).toBe(String(process.pid));
  });

  it('releases the lock on close and rejects calls afterwards', async () => {
    const engine = await openStore();
    const c = engine.collection('c');
    await engine.close();
    await expect(readFile(join(tmp.dir, 'store.lock'))).rejects.toMatchObject({ code: 'ENOENT' });
    await expect(c.insertOne({ _id: 'late' })).rejects.toThrow(/closed/);
    await expect(c.find({}).toArray()).rejects.toThrow(/closed/);
  });
});
