import type { CountryCode } from 'libphonenumber-js';
import { e164Cache } from './e164.js';

/** Normalises a phone number to E.164 (`+14079780655`), or undefined when it is not a valid number. */
export function toE164(raw: string | null | undefined, defaultCountry: CountryCode = 'US'): string | undefined {
  if (!raw) return undefined;
  // Ingest, the worker's contact step, mappings and voice lookups parse the same numbers: remembered.
  return e164Cache.toE164(String(raw), defaultCountry);
}

/**
 * Puts a call's `customer_phone` in E.164 (in place). A value that is not a phone number is kept as
 * given, for people to read, and flagged `customer_phone_valid: false` so no CRM is searched with it.
 */
export function normalizeCallPhone(call: Record<string, unknown>): void {
  delete call.customer_phone_valid;
  const raw = call.customer_phone;
  if (typeof raw !== 'string' || raw.trim() === '') return;
  const e164 = toE164(raw);
  if (e164) call.customer_phone = e164;
  else call.customer_phone_valid = false;
}

/** The phone to find a call's customer by: E.164, or undefined when the call has none or it is not a phone. */
export function searchablePhone(call: Record<string, unknown>): string | undefined {
  if (call.customer_phone_valid === false || typeof call.customer_phone !== 'string') return undefined;
  return toE164(call.customer_phone);
}

/** The call as contact lookups see it: a phone that is not a phone is left out, so no CRM is searched with it. */
export function withSearchablePhone<T extends Record<string, unknown>>(call: T): T {
  return call.customer_phone_valid === false ? { ...call, customer_phone: null } : call;
}

/**
 * The ten national digits of a North American (+1) number, how several CRMs index phones
 * (HubSpot's calculated search copy, Salesforce SOSL, Housecall Pro); other numbers keep all their digits.
 */
export function nationalDigits(phone: string): string {
  const digits = phone.replace(/\D/g, '');
  return digits.length === 11 && digits.startsWith('1') ? digits.slice(1) : digits;
}
