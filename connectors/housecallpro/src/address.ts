/** The service address a call carries, in Housecall Pro's Address shape. */

/** An address as `POST /customers` and `POST /customers/{id}/addresses` take it. */
export interface HcpAddressInput {
  street: string;
  street_line_2?: string;
  city?: string;
  state?: string;
  zip?: string;
  country?: string;
}

/** Custom fields of a call that may hold the customer's address, first found wins. */
export const ADDRESS_FIELDS = ['address', 'customer_address', 'service_address'];

const STATE_ZIP = /^([A-Za-z]{2})\s+(\d{5}(?:-\d{4})?)$/;

/**
 * Reads "123 Main St, Springfield, IL 62701[, US]" (the way voice agents capture an address) or an
 * object with street/city/state/zip/country. A string that does not parse keeps everything in `street`.
 */
export function parseAddress(raw: unknown): HcpAddressInput | undefined {
  if (raw && typeof raw === 'object' && !Array.isArray(raw)) {
    const o = raw as Record<string, unknown>;
    const street = o.street ?? o.street1 ?? o.line1 ?? o.address1;
    if (typeof street !== 'string' || !street.trim()) return undefined;
    const pick = (...keys: string[]) => keys.map((k) => o[k]).find((v): v is string => typeof v === 'string' && v.trim() !== '');
    return clean({
      street: street.trim(),
      street_line_2: pick('street_line_2', 'line2', 'address2'),
      city: pick('city'),
      state: pick('state', 'region'),
      zip: pick('zip', 'postal_code', 'postalCode'),
      country: pick('country'),
    });
  }
  if (typeof raw !== 'string' || !raw.trim()) return undefined;
  const parts = raw
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
  let country: string | undefined;
  if (parts.length >= 3 && !/\d/.test(parts[parts.length - 1]) && STATE_ZIP.test(parts[parts.length - 2])) country = parts.pop();
  const stateZip = parts.length >= 3 ? STATE_ZIP.exec(parts[parts.length - 1]) : null;
  if (!stateZip) return { street: raw.trim() };
  parts.pop();
  const city = parts.pop();
  // A two-letter state with a five-digit ZIP is a US address; Housecall Pro needs the country.
  return clean({ street: parts.join(', '), city, state: stateZip[1].toUpperCase(), zip: stateZip[2], country: country ?? 'US' });
}

/** The address of a call, from its first address-like custom field. */
export function callAddress(call: Record<string, unknown>): HcpAddressInput | undefined {
  for (const field of ADDRESS_FIELDS) {
    const parsed = parseAddress(call[field]);
    if (parsed) return parsed;
  }
  return undefined;
}

/** True when the address has every field `POST /customers/{id}/addresses` requires. */
export function isComplete(
  a: HcpAddressInput,
): a is Required<Pick<HcpAddressInput, 'street' | 'city' | 'state' | 'zip' | 'country'>> & HcpAddressInput {
  return Boolean(a.street && a.city && a.state && a.zip && a.country);
}

/** True when two addresses name the same street (case and spacing aside). */
export function sameStreet(a: Record<string, unknown>, b: HcpAddressInput | Record<string, unknown>): boolean {
  const norm = (v: unknown) =>
    String(v ?? '')
      .toLowerCase()
      .replace(/[^a-z0-9]/g, '');
  return norm(a.street) !== '' && norm(a.street) === norm(b.street);
}

function clean<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}
