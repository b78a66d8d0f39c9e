import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';
import { LruCache } from '../lru-cache.js';

/** A phone number in E.164, or undefined when `text` is not a valid number (libphonenumber, every time). */
export function parseE164(text: string, defaultCountry: CountryCode): string | undefined {
  const parsed = parsePhoneNumberFromString(text, defaultCountry);
  return parsed?.isValid() ? parsed.number : undefined;
}

/**
 * The last `maxEntries` answers of parseE164 by input and default country, least recently used out first. Parsing is
 * about 6% of the hub's CPU on ingest and the same numbers come back (the worker parses again what
 * ingest normalised; callers ring again). Answers are strings, so they are shared as they are; inputs
 * longer than `maxInputLength` are parsed and not kept, so the memory held stays small.
 */
export class E164Cache {
  private readonly entries: LruCache<string, string | null>;

  constructor(
    readonly maxEntries = 5_000,
    readonly maxInputLength = 64,
  ) {
    this.entries = new LruCache(maxEntries);
  }

  /** How many answers are kept. */
  get size(): number {
    return this.entries.size;
  }

  /** parseE164(text, defaultCountry), from memory when this input was seen lately. */
  toE164(text: string, defaultCountry: CountryCode): string | undefined {
    if (text.length > this.maxInputLength) return parseE164(text, defaultCountry);
    // The country's length first, so that no two (country, text) pairs share a key.
    const key = `${defaultCountry.length}:${defaultCountry}${text}`;
    const hit = this.entries.get(key);
    if (hit !== undefined) return hit ?? undefined;
    const e164 = parseE164(text, defaultCountry);
    this.entries.set(key, e164 ?? null);
    return e164;
  }
}

/** The process's one cache of phone answers, behind toE164. */
export const e164Cache = new E164Cache();
