import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';
import { describe, expect, it } from 'vitest';
import { E164Cache, e164Cache } from '../../src/sync/e164.js';
import { toE164 } from '../../src/sync/phone.js';

/** toE164 as it was before the cache: libphonenumber on every call. */
function uncached(raw: unknown, country: CountryCode = 'US'): string | undefined {
  if (!raw) return undefined;
  const parsed = parsePhoneNumberFromString(String(raw), country);
  return parsed?.isValid() ? parsed.number : undefined;
}

const INPUTS: unknown[] = [
  '(407) 978-0655',
  '+1 407 978 0655',
  '4079780655',
  '1-407-978-0655',
  'tel:+1-407-978-0655',
  '(407) 978-0655 ext. 12',
  '+44 20 7946 0958',
  '020 7946 0958',
  '030 123456',
  '+49 30 1234567',
  'not a phone',
  '123',
  '+',
  '+1',
  '0',
  '   ',
  '',
  '\u0000+14079780655',
  '４０７９７８０６５５',
  '٤٠٧٩٧٨٠٦٥٥',
  '+1 407 978 0655'.repeat(10),
  '9'.repeat(300),
  4079780655,
  null,
  undefined,
];

describe('toE164 with its cache', () => {
  it.each(['US', 'GB', 'DE'] as CountryCode[])('answers exactly as libphonenumber does, missed and hit (%s)', (country) => {
    for (let pass = 0; pass < 2; pass++)
      for (const raw of INPUTS) expect([raw, toE164(raw as string, country)]).toEqual([raw, uncached(raw, country)]);
  });

  it('keeps the default country in the key: one text, two countries, two answers', () => {
    expect(toE164('020 7946 0958', 'GB')).toBe('+442079460958');
    expect(toE164('020 7946 0958', 'US')).toBe(uncached('020 7946 0958', 'US'));
    expect(toE164('020 7946 0958', 'GB')).toBe('+442079460958');
  });

  it('stays bounded: the least recently used answers go first and are parsed again when asked', () => {
    const cache = new E164Cache(3, 20);
    const numbers = ['4079780655', '4079780656', '4079780657', '4079780658'];
    for (const n of numbers) expect(cache.toE164(n, 'US')).toBe(uncached(n));
    expect(cache.size).toBe(3);
    expect(cache.toE164(numbers[0], 'US')).toBe('+14079780655');
    expect(cache.size).toBe(3);
    expect(cache.toE164('+1 407 978 0655 (mobile)', 'US')).toBe(uncached('+1 407 978 0655 (mobile)'));
    expect(cache.size).toBe(3); // longer than 20 characters: answered, not kept
  });

  it("the process's cache holds at most its limit after many distinct numbers", () => {
    for (let i = 0; i < e164Cache.maxEntries + 2_000; i++) toE164(`407${String(i).padStart(7, '0')}`);
    expect(e164Cache.size).toBe(e164Cache.maxEntries);
    expect(toE164('(407) 978-0655')).toBe('+14079780655');
  });
});
