import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../src/errors/hub-error.js';

// Like Fastify's test of its error table: a code a client can receive is a code the README explains.
const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
const rows = new Map(
  [...readme.matchAll(/^\| `(HUB_ERR_[A-Z_]+)` \| (\d{3}) \| (.+) \|$/gm)].map((m) => [m[1], { status: Number(m[2]), what: m[3] }]),
);

describe('error codes', () => {
  it.each(Object.entries(ERROR_CODES))('%s is documented in the README with its HTTP status', (code, def) => {
    expect(rows.get(code), `README.md "Error codes" has no row for ${code}`).toMatchObject({ status: def.status });
    expect(rows.get(code)!.what.length).toBeGreaterThan(10);
  });

  it('the README documents no code that does not exist', () => {
    expect([...rows.keys()].filter((code) => !(code in ERROR_CODES))).toEqual([]);
  });
});
