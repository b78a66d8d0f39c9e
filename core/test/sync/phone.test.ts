import { describe, expect, it } from 'vitest';
import { nationalDigits, normalizeCallPhone, searchablePhone, toE164, withSearchablePhone } from '../../src/sync/phone.js';
import { contactKeys } from '../../src/sync/contact-step.js';
import { STEPS } from '../../src/sync/steps.js';
import { CUSTOM_FIELD_LIMITS, customFieldsError, normalizeCall } from '../../src/sync/call-data.js';

describe('phone numbers, in one place', () => {
  it.each([
    ['(407) 978-0655', '+14079780655'],
    ['+1 407 978 0655', '+14079780655'],
    ['+44 20 7946 0958', '+442079460958'],
    ['not a phone', undefined],
    ['123', undefined],
    ['', undefined],
  ])('toE164(%j) = %j', (raw, e164) => {
    expect(toE164(raw)).toBe(e164);
  });

  it('a call keeps a phone that is not a phone as given, flagged, and it is never a search key', () => {
    const call = normalizeCall({ call_id: 'c1', customer_phone: 'not a phone', customer_email: 'Jane@Example.com' }, 'a');
    expect(call.customer_phone).toBe('not a phone');
    expect(call.customer_phone_valid).toBe(false);
    expect(searchablePhone(call)).toBeUndefined();
    expect(contactKeys(call)).toEqual(['email:jane@example.com']);
    expect(withSearchablePhone(call).customer_phone).toBeNull();
    expect(call.customer_phone).toBe('not a phone'); // the stored call is untouched
  });

  it("a valid phone is put in E.164 and carries no flag (the payload stays the original spec's)", () => {
    const call = normalizeCall({ call_id: 'c1', customer_phone: '(407) 978-0655', customer_phone_valid: false }, 'a');
    expect(call.customer_phone).toBe('+14079780655');
    expect('customer_phone_valid' in call).toBe(false);
    expect(contactKeys(call)).toEqual(['phone:+14079780655']);
    expect(withSearchablePhone(call)).toBe(call);
  });

  it('the contact step skips a call whose only way to find the customer is a phone that is not a phone', () => {
    const call: Record<string, unknown> = { customer_phone: 'call me maybe' };
    normalizeCallPhone(call);
    expect(STEPS.contact.lacks(call)).toMatch(/customer_phone is not a phone number/);
    expect(STEPS.contact.lacks({ customer_phone: '+14079780655' })).toBeUndefined();
    expect(STEPS.contact.lacks({})).toMatch(/no customer phone or email/);
  });

  it('national digits drop the North American country code only', () => {
    expect(nationalDigits('+14079780655')).toBe('4079780655');
    expect(nationalDigits('+442079460958')).toBe('442079460958');
  });
});

describe('custom call fields are bounded', () => {
  const base = { call_id: 'c1', transcript: 'x'.repeat(400_000) }; // standard fields do not count
  it('accepts what fits', () => {
    expect(customFieldsError({ ...base, crm_tag: 'vip', nested: { a: [1, 2, { b: 'c' }] } })).toBeUndefined();
  });
  it.each([
    [
      'too many fields',
      Object.fromEntries(Array.from({ length: CUSTOM_FIELD_LIMITS.count + 1 }, (_, i) => [`f${i}`, i])),
      'body',
      /101 custom fields; at most 100/,
    ],
    ['a long name', { ['n'.repeat(101)]: 1 }, expect.stringMatching(/^body\.n+…$/), /at most 100 characters/],
    ['a long string deep inside', { notes: { list: ['ok', 'y'.repeat(10_001)] } }, 'body.notes.list.1', /10001 characters long/],
    [
      'too much altogether',
      Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`f${i}`, 'z'.repeat(9_000)])),
      'body',
      /at most 65536 bytes/,
    ],
  ])('refuses %s, naming the field', (_what, custom, field, message) => {
    const err = customFieldsError({ ...base, ...custom });
    expect(err).toMatchObject({ statusCode: 400, field });
    expect(err?.message).toMatch(message);
  });
});
