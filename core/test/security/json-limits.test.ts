import { describe, expect, it } from 'vitest';
import { MAX_JSON_DEPTH, jsonDepthError, jsonTextDepth, parseBoundedJson } from '../../src/security/json-limits.js';

const nested = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);

describe('JSON depth, measured before parsing', () => {
  it.each([
    ['{}', 1],
    ['"no nesting"', 0],
    ['{"a":[1,{"b":[]}]}', 4],
    ['{"text":"[[[[[{{{{ brackets in a string do not count"}', 1],
    ['{"q":"an escaped quote \\" then [[[["}', 1],
    ['{"q":"a backslash at the end \\\\"}', 1],
    ['[[],[],[[]]]', 3],
  ])('%s is %i deep', (text, depth) => {
    expect(jsonTextDepth(text)).toBe(depth);
  });

  it('accepts the limit and refuses one level more, naming the field', () => {
    expect(jsonDepthError(nested(MAX_JSON_DEPTH))).toBeUndefined();
    const err = jsonDepthError(nested(MAX_JSON_DEPTH + 1), 'body.call');
    expect(err).toMatchObject({ code: 'HUB_ERR_VALIDATION', statusCode: 400, field: 'body.call' });
    expect(err?.message).toContain(`${MAX_JSON_DEPTH} levels`);
  });

  it('measures 100,000 levels without recursion and stops counting past the limit', () => {
    expect(jsonTextDepth(nested(100_000))).toBe(MAX_JSON_DEPTH + 1);
    expect(() => parseBoundedJson(nested(100_000))).toThrow(/nested more than 32/);
  });

  it('parses what is within bounds, and names the field of text that is not JSON', () => {
    expect(parseBoundedJson('{"a":[1]}')).toEqual({ a: [1] });
    expect(() => parseBoundedJson('{"a":', 'body')).toThrow(/not valid JSON/);
  });
});
