import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';

/** Normalises a phone number to E.164 (`+14079780655`), or undefined when it is not a valid number. */
export function toE164(raw: string | null | undefined, defaultCountry: CountryCode = 'US'): string | undefined {
  if (!raw) return undefined;
  const parsed = parsePhoneNumberFromString(String(raw), defaultCountry);
  return parsed?.isValid() ? parsed.number : undefined;
}
