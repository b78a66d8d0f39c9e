import { lookup as dnsLookup, promises as dnsPromises, type LookupAddress } from 'node:dns';
import ipaddr from 'ipaddr.js';
import { HubError } from '../errors/hub-error.js';

/** Ranges a tenant-given URL may never reach: loopback, private, link-local (cloud metadata), and the like. */
const BLOCKED_RANGES = new Set([
  'unspecified',
  'broadcast',
  'multicast',
  'linkLocal',
  'loopback',
  'private',
  'reserved',
  'carrierGradeNat',
  'uniqueLocal',
  'ipv4Mapped',
  'rfc6145',
  'rfc6052',
  '6to4',
  'teredo',
  'benchmarking',
  'amt',
  'as112',
  'as112v6',
  'orchid2',
  'droneRemoteIdProtocolEntityTags',
]);

/** True when an IP literal is in a range tenants must not reach. */
export function isBlockedAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return true;
  let parsed = ipaddr.parse(address);
  if (parsed.kind() === 'ipv6') {
    const v6 = parsed as ipaddr.IPv6;
    // IPv4-compatible IPv6 (::127.0.0.1, written back by URL parsers as ::7f00:1) is deprecated and
    // ipaddr.js calls it unicast; nothing public lives in ::/96, so all of it is refused.
    if (v6.parts.slice(0, 6).every((p) => p === 0)) return true;
    // An IPv4-mapped IPv6 address (::ffff:127.0.0.1) is judged as the IPv4 address it wraps.
    if (v6.isIPv4MappedAddress()) parsed = v6.toIPv4Address();
  }
  return BLOCKED_RANGES.has(parsed.range());
}

/** Checks a tenant-given URL's form: https only (unless private URLs are allowed), no credentials, no blocked IP literal. */
export function assertSafeUrl(raw: string, field: string, allowPrivate: boolean): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new HubError('HUB_ERR_UNSAFE_URL', `${field}: "${truncate(raw)}" is not a valid URL`, { field });
  }
  if (url.username || url.password)
    throw new HubError('HUB_ERR_UNSAFE_URL', `${field}: must not contain a user name or password`, { field });
  if (allowPrivate) {
    if (url.protocol !== 'https:' && url.protocol !== 'http:')
      throw new HubError('HUB_ERR_UNSAFE_URL', `${field}: must be an http(s) URL`, { field });
    return url;
  }
  if (url.protocol !== 'https:') throw new HubError('HUB_ERR_UNSAFE_URL', `${field}: must use https`, { field });
  // A fully qualified name's trailing dot (localhost.) names the same host as without it.
  const host = url.hostname
    .replace(/^\[|\]$/g, '')
    .replace(/\.+$/, '')
    .toLowerCase();
  if (ipaddr.isValid(host) && isBlockedAddress(host)) {
    throw new HubError('HUB_ERR_UNSAFE_URL', `${field}: points at a private, loopback or link-local address`, { field });
  }
  if (host === 'localhost' || host.endsWith('.localhost') || host.endsWith('.internal')) {
    throw new HubError('HUB_ERR_UNSAFE_URL', `${field}: points at a local host name`, { field });
  }
  return url;
}

/** Resolves a host name to its addresses; injectable, so tests need no real DNS. */
export type HostResolver = (hostname: string) => Promise<string[]>;

/** The system resolver (what the HTTP client's connections use), given at most 3 s. */
export const systemResolver: HostResolver = async (hostname) => {
  const timeout = new Promise<never>((_, reject) =>
    setTimeout(() => reject(Object.assign(new Error('DNS timeout'), { code: 'ETIMEOUT' })), 3000).unref(),
  );
  return (await Promise.race([dnsPromises.lookup(hostname, { all: true }), timeout])).map((a) => a.address);
};

/**
 * assertSafeUrl, then the host name resolved: a name that resolves to a blocked address is refused
 * where the URL is given (a 400 naming the field), not only when the hub first delivers to it. A name
 * that does not resolve now is left to the delivery-time check, which runs on every connection
 * anyway (DNS answers change, redirects).
 */
export async function assertPublicUrl(
  raw: string,
  field: string,
  allowPrivate: boolean,
  resolve: HostResolver = systemResolver,
): Promise<URL> {
  const url = assertSafeUrl(raw, field, allowPrivate);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (allowPrivate || ipaddr.isValid(host)) return url;
  const addresses = await resolve(host).catch(() => [] as string[]);
  if (addresses.some(isBlockedAddress))
    throw new HubError('HUB_ERR_UNSAFE_URL', `${field}: ${url.hostname} resolves to a private, loopback or link-local address`, { field });
  return url;
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * A dns.lookup replacement for the HTTP client: the address is checked after resolution, at connect time, so a
 * DNS answer that changes between the check and the request (rebinding) and every redirect hop are
 * covered too.
 */
export function guardedLookup(hostname: string, options: unknown, callback: LookupCallback): void {
  const opts = (typeof options === 'object' && options !== null ? options : {}) as { all?: boolean };
  dnsLookup(hostname, { ...opts, all: true }, (err, addresses) => {
    if (err) return callback(err, '');
    const list = addresses as LookupAddress[];
    const bad = list.find((a) => isBlockedAddress(a.address));
    if (bad || list.length === 0) {
      const e = Object.assign(new Error(`${hostname} resolves to a blocked address`), { code: 'HUB_UNSAFE_ADDRESS' });
      return callback(e, '');
    }
    if (opts.all) return callback(null, list);
    return callback(null, list[0].address, list[0].family);
  });
}

function truncate(s: string): string {
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}
