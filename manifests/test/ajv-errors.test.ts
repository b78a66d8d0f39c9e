import AjvModule from 'ajv';
import addFormatsModule from 'ajv-formats';
import { Type, type TSchema } from '@sinclair/typebox';
import { describe, expect, it } from 'vitest';
import { describeAjvErrors, validateManifest } from '../src/index.js';

const ajv = new AjvModule.default({ allErrors: true, strict: false, verbose: true });
addFormatsModule.default(ajv);

function problems(schema: TSchema, value: unknown, noun?: string): string[] {
  const check = ajv.compile(schema);
  expect(check(value)).toBe(false);
  return describeAjvErrors(check.errors, { noun }).map((p) => `${p.path.join('.') || '(root)'} ${p.message}`);
}

const Status = Type.Union([Type.Literal('success'), Type.Literal('failed'), Type.Literal('skipped')]);

describe('describeAjvErrors: one reading of schema failures, saying what is allowed', () => {
  it.each<[string, TSchema, unknown, string[]]>([
    [
      'a union of constants is one message listing them',
      Type.Object({ status: Status }),
      { status: 'done' },
      ['status must be one of success, failed, skipped'],
    ],
    [
      'an enum lists its values',
      Type.Object({ unit: Type.String({ enum: ['seconds', 'ms'] }) }),
      { unit: 'h' },
      ['unit must be one of seconds, ms'],
    ],
    [
      'a nullable field says its own rule, not "must be null"',
      Type.Object({ email: Type.Union([Type.String({ format: 'email' }), Type.Null()]) }),
      { email: 'nope' },
      ['email must match format "email"'],
    ],
    [
      'a nullable constant union says so',
      Type.Object({ s: Type.Union([Status, Type.Null()]) }),
      { s: 'x' },
      ['s must be one of success, failed, skipped'],
    ],
    [
      'a union of types joins them',
      Type.Object({ id: Type.Union([Type.String(), Type.Integer()]) }),
      { id: true },
      ['id must be string or integer'],
    ],
    ['a missing key is named under its object', Type.Object({ a: Type.Object({ b: Type.String() }) }), { a: {} }, ['a.b is required']],
    [
      'an unknown key lists the known ones',
      Type.Object({ name: Type.String(), phone: Type.Optional(Type.String()) }, { additionalProperties: false }),
      { name: 'x', phnoe: '1' },
      ['phnoe is not a known field (known: name, phone)'],
    ],
    [
      'a nested object inside a nullable union reports its own errors',
      Type.Object({ appt: Type.Union([Type.Object({ date: Type.String({ format: 'date' }) }), Type.Null()]) }),
      { appt: { date: 'soon' } },
      ['appt.date must match format "date"'],
    ],
    [
      'several problems at once',
      Type.Object({ a: Type.Integer({ minimum: 1 }), b: Status }),
      { a: 0, b: 1 },
      ['a must be >= 1', 'b must be one of success, failed, skipped'],
    ],
  ])('%s', (_name, schema, value, expected) => {
    expect(problems(schema, value)).toEqual(expected);
  });

  it('words unknown keys for its reader', () => {
    const schema = Type.Object({ a: Type.String() }, { additionalProperties: false });
    expect(problems(schema, { a: 'x', b: 1 }, 'option')).toEqual(['b is not a known option (known: a)']);
  });

  it('manifests read the same way: a plan step typo lists the steps', () => {
    const r = validateManifest({
      id: 'x',
      name: 'X',
      version: '1.0.0',
      manifestVersion: 1,
      capabilities: [],
      auth: { type: 'none' },
      http: { baseUrl: 'https://x' },
      operations: {},
      plan: ['contact', 'notes'],
    });
    expect(r.ok).toBe(false);
    if (!r.ok)
      expect(r.problems).toContainEqual({
        path: '/plan/1',
        message: 'must be one of contact, job, note, callLog, appointment, workflow, opportunity, event',
      });
  });
});
