/**
 * Index keys as one string whose plain comparison is MongoDB's order of the key's values, each field
 * in its own direction: a string of one-byte characters costs about a third of an array of the same
 * values, which is what most of an embedded store's memory goes to once its docs are cold.
 *
 * Each value is a component: a rank byte (null, number, string, boolean: MongoDB's order of types),
 * then for a number 8 bytes (the IEEE-754 bits made to sort as unsigned), for a boolean 1 byte, for a
 * string its UTF-16 code units (below 0xFD as the unit + 2 in one byte, others as 0xFF and two
 * bytes) and a 0x00 end, so a string sorts before any longer one it begins. JavaScript compares
 * strings by code unit, as mingo and the scan path do. A descending field complements every byte.
 */

const NULL = 0x01;
const NUMBER = 0x02;
const STRING = 0x03;
const BOOLEAN = 0x04;
const WIDE = 0xff;

/** Sorts after every component: a seek past all keys that start with some components. */
export const AFTER = '\u0100';

const view = new DataView(new ArrayBuffer(8));

/**
 * The key of `values` (each indexable: null, number, string or boolean) in directions `dirs` (1 or
 * -1), built from char codes so the result is one flat string, not a chain of concatenations.
 */
export function encodeKey(values: unknown[], dirs: number[]): string {
  const codes: number[] = [];
  for (let i = 0; i < values.length; i++) pushValue(codes, values[i], dirs[i] === -1);
  return fromCodes(codes);
}

/** The component of one value, alone: a bound to compare a key's component with. */
export function encodeValue(value: unknown, descending: boolean): string {
  const codes: number[] = [];
  pushValue(codes, value, descending);
  return fromCodes(codes);
}

// In slices: a spread of a very long key's codes would overflow the call's argument limit.
function fromCodes(codes: number[]): string {
  if (codes.length <= 4096) return String.fromCharCode(...codes);
  const parts: string[] = [];
  for (let i = 0; i < codes.length; i += 4096) parts.push(String.fromCharCode(...codes.slice(i, i + 4096)));
  // A flat copy: the joined string would otherwise be a chain of its parts.
  return parts.join('');
}

function pushValue(codes: number[], value: unknown, descending: boolean): void {
  const start = codes.length;
  if (value === null) codes.push(NULL);
  else if (typeof value === 'number') pushNumber(codes, value);
  else if (typeof value === 'boolean') codes.push(BOOLEAN, value ? 1 : 0);
  else pushString(codes, value as string);
  if (descending) for (let i = start; i < codes.length; i++) codes[i] = 0xff - codes[i];
}

function pushNumber(codes: number[], n: number): void {
  codes.push(NUMBER);
  view.setFloat64(0, n === 0 ? 0 : n); // -0 sorts as 0: MongoDB compares them equal
  const negative = (view.getUint8(0) & 0x80) !== 0;
  for (let i = 0; i < 8; i++) {
    const b = view.getUint8(i);
    // Negative numbers: every bit inverted (a larger magnitude sorts first); others: the sign bit set.
    codes.push(negative ? 0xff - b : i === 0 ? b | 0x80 : b);
  }
}

function pushString(codes: number[], s: string): void {
  codes.push(STRING);
  for (let i = 0; i < s.length; i++) {
    const u = s.charCodeAt(i);
    if (u < 0xfd) codes.push(u + 2);
    else codes.push(WIDE, u >> 8, u & 0xff);
  }
  codes.push(0);
}

/**
 * The tie-breaking insertion number at a key's end: its byte count, then its bytes big-endian (a
 * shorter count is a smaller number), 2 to 8 bytes instead of a number component's 9.
 */
export function encodeSeq(n: number): string {
  const codes: number[] = [];
  for (let rest = n; rest > 0; rest = Math.floor(rest / 256)) codes.unshift(rest % 256);
  return String.fromCharCode(codes.length, ...codes);
}

/** Where the component starting at `from` ends (the index just past it). */
export function componentEnd(key: string, from: number, descending: boolean): number {
  const byte = (i: number) => (descending ? 0xff - key.charCodeAt(i) : key.charCodeAt(i));
  switch (byte(from)) {
    case NULL:
      return from + 1;
    case NUMBER:
      return from + 9;
    case BOOLEAN:
      return from + 2;
    default:
      for (let i = from + 1; ;) {
        const b = byte(i);
        if (b === 0) return i + 1;
        i += b === WIDE ? 3 : 1;
      }
  }
}

/** Plain string order: what the encoded keys are made for. */
export function compareKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
