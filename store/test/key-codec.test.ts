import { describe, expect, it } from 'vitest';
import { componentEnd, encodeKey, encodeValue } from '../src/embedded/key-codec.js';
import { compareValues } from '../src/embedded/ordered-scan.js';
import { prng } from './helpers.js';

const rand = prng(7);
const strings = [
  '',
  'a',
  'ab',
  'abc',
  'b',
  'a\u0000',
  'a\u0001b',
  '\u00fc',
  '\u00fd',
  '\u00ff',
  '\u0100',
  'z\uffff',
  '\ud83d\ude00',
  'queued',
  'quee',
];
const numbers = [0, -0, 1, -1, 0.5, -0.5, 2 ** 53, -(2 ** 53), 1e-300, -1e-300, Infinity, -Infinity, 42, 1_700_000_000_000];

function randomValue(): unknown {
  const r = rand();
  if (r < 0.1) return null;
  if (r < 0.2) return rand() < 0.5;
  if (r < 0.55) return numbers[Math.floor(rand() * numbers.length)] * (rand() < 0.3 ? rand() : 1);
  return strings[Math.floor(rand() * strings.length)] + (rand() < 0.3 ? strings[Math.floor(rand() * strings.length)] : '');
}

const sign = (n: number) => (n < 0 ? -1 : n > 0 ? 1 : 0);

describe('index key encoding', () => {
  it('orders encoded keys as MongoDB orders their values, field by field in each direction', () => {
    for (let i = 0; i < 5_000; i++) {
      const width = 1 + Math.floor(rand() * 3);
      const dirs = Array.from({ length: width }, () => (rand() < 0.5 ? 1 : -1));
      const a = Array.from({ length: width }, randomValue);
      const b = rand() < 0.3 ? [...a.slice(0, width - 1), randomValue()] : Array.from({ length: width }, randomValue);
      let expected = 0;
      for (let k = 0; k < width && expected === 0; k++) expected = compareValues(a[k], b[k]) * dirs[k];
      const ka = encodeKey(a, dirs);
      const kb = encodeKey(b, dirs);
      expect(sign(ka < kb ? -1 : ka > kb ? 1 : 0), JSON.stringify([a, b, dirs])).toBe(sign(expected));
    }
  });

  it('finds each component of a key again, and a component alone encodes as it does inside the key', () => {
    for (let i = 0; i < 1_000; i++) {
      const values = [randomValue(), randomValue(), randomValue()];
      const dirs = values.map(() => (rand() < 0.5 ? 1 : -1));
      const key = encodeKey(values, dirs);
      let at = 0;
      values.forEach((v, k) => {
        const end = componentEnd(key, at, dirs[k] === -1);
        expect(key.slice(at, end)).toBe(encodeValue(v, dirs[k] === -1));
        at = end;
      });
      expect(at).toBe(key.length);
    }
  });

  it('keeps keys of ASCII values one byte per character', () => {
    const key = encodeKey(['ten_1', 'agent_7', '2026-01-01T00:00:00.000Z', 12], [1, 1, -1, 1]);
    expect([...key].every((c) => c.charCodeAt(0) <= 0xff)).toBe(true);
    expect(key.length).toBe(1 + 6 + 1 + 8 + 1 + 25 + 9);
  });
});
