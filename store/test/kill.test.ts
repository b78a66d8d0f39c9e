import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openEmbeddedEngine } from '../src/index.js';
import { writerDoc } from './fixtures/writer-doc.js';
import { exited, readLines, spawnChild, tempDir } from './helpers.js';

let tmp: { dir: string; remove(): Promise<void> };

beforeEach(async () => {
  tmp = await tempDir();
});
afterEach(async () => {
  await tmp.remove();
});

/**
 * A child process writes without pause and prints each write only after its promise resolved; it is
 * SIGKILLed mid-stream. Every write it acknowledged must then be on disk with its exact content.
 */
async function killMidStream(acksBeforeKill: number, compactAfterRecords?: string): Promise<void> {
  const child = spawnChild('writer', tmp.dir, ...(compactAfterRecords ? [compactAfterRecords] : []));
  const acked: number[] = [];
  let lastInc = 0;
  try {
    await readLines(child, (line) => {
      const [kind, value] = line.split(' ');
      if (kind === 'ack') acked.push(Number(value));
      if (kind === 'inc') lastInc = Math.max(lastInc, Number(value));
      if (acked.length < acksBeforeKill) return false;
      child.kill('SIGKILL');
      return true;
    });
  } finally {
    child.kill('SIGKILL');
    await exited(child);
  }
  expect(child.signalCode).toBe('SIGKILL');
  expect(acked.length).toBeGreaterThanOrEqual(acksBeforeKill);

  // The dead child's lock is stale, so this open also proves the takeover after a crash.
  const store = await openEmbeddedEngine({ dir: tmp.dir });
  try {
    const docs = store.collection('docs');
    const stored = new Map((await docs.find({}).toArray()).map((d) => [d._id, d]));
    const missing = acked.filter((i) => !stored.has(`doc-${i}`));
    expect(missing, 'acknowledged writes lost').toEqual([]);
    for (const i of acked) expect(stored.get(`doc-${i}`)).toEqual(writerDoc(i));
    const counter = await store.collection('counters').findOne({ _id: 'c' });
    expect(counter?.n).toBeGreaterThanOrEqual(lastInc);
    // The store stays writable after recovery.
    await docs.insertOne({ _id: 'after-crash' });
  } finally {
    await store.close();
  }
}

describe('embedded engine: kill -9', () => {
  it('keeps every acknowledged write', async () => {
    await killMidStream(2000);
  });

  it('keeps every acknowledged write while compactions run', async () => {
    await killMidStream(3000, '300');
  });
});
