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

// The bytes of the key being built: every component is a byte (0x00-0xFF), so the key is read out as
// a one-byte (latin1) string. One buffer reused by every call (encoding is synchronous), instead of
// an array of numbers and a spread per key: keys are built on every indexed write and lookup.
let bytes = Buffer.allocUnsafe(256);
let length = 0;

function room(n: number): void {
  if (length + n <= bytes.length) return;
  const grown = Buffer.allocUnsafe(Math.max(bytes.length * 2, length + n));
  bytes.copy(grown, 0, 0, length);
  bytes = grown;
}

function built(): string {
  return bytes.toString('latin1', 0, length);
}

/**
 * The key of `values` (each indexable: null, number, string or boolean) in directions `dirs` (1 or
 * -1; a field with no direction is ascending), then `seq`, a tie-breaking insertion number, when given:
 * the whole key in one pass and one string.
 */
export function encodeKey(values: unknown[], dirs: readonly number[], seq?: number): string {
  length = 0;
  for (let i = 0; i < values.length; i++) pushValue(values[i], dirs[i] === -1);
  if (seq !== undefined) pushSeq(seq);
  return built();
}

/** The component of one value, alone: a bound to compare a key's component with. */
export function encodeValue(value: unknown, descending: boolean): string {
  length = 0;
  pushValue(value, descending);
  return built();
}

function pushValue(value: unknown, descending: boolean): void {
  const start = length;
  if (value === null) {
    room(1);
    bytes[length++] = NULL;
  } else if (typeof value === 'number') pushNumber(value);
  else if (typeof value === 'boolean') {
    room(2);
    bytes[length++] = BOOLEAN;
    bytes[length++] = value ? 1 : 0;
  } else pushString(value as string);
  if (descending) for (let i = start; i < length; i++) bytes[i] = 0xff - bytes[i];
}

function pushNumber(n: number): void {
  room(9);
  bytes[length++] = NUMBER;
  view.setFloat64(0, n === 0 ? 0 : n); // -0 sorts as 0: MongoDB compares them equal
  const negative = (view.getUint8(0) & 0x80) !== 0;
  for (let i = 0; i < 8; i++) {
    const b = view.getUint8(i);
    // Negative numbers: every bit inverted (a larger magnitude sorts first); others: the sign bit set.
    bytes[length++] = negative ? 0xff - b : i === 0 ? b | 0x80 : b;
  }
}

function pushString(s: string): void {
  room(s.length * 3 + 2);
  bytes[length++] = STRING;
  for (let i = 0; i < s.length; i++) {
    const u = s.charCodeAt(i);
    if (u < 0xfd) bytes[length++] = u + 2;
    else {
      bytes[length++] = WIDE;
      bytes[length++] = u >> 8;
      bytes[length++] = u & 0xff;
    }
  }
  bytes[length++] = 0;
}

/**
 * The tie-breaking insertion number at a key's end: its byte count, then its bytes big-endian (a
 * shorter count is a smaller number), 2 to 8 bytes instead of a number component's 9.
 */
function pushSeq(n: number): void {
  let count = 0;
  for (let rest = n; rest > 0; rest = Math.floor(rest / 256)) count++;
  room(count + 1);
  bytes[length++] = count;
  for (let i = count - 1, rest = n; i >= 0; i--, rest = Math.floor(rest / 256)) bytes[length + i] = rest % 256;
  length += count;
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
