/** Options, seed data and small helpers of the Housecall Pro simulator. */
import { randomBytes } from 'node:crypto';

/** An employee as the spec's Employee schema shapes it (the fields the simulator fills). */
export interface SimEmployee {
  id: string;
  first_name: string;
  last_name: string;
  email: string;
  mobile_number?: string;
  role: string;
  color_hex?: string;
  tags?: string[];
}

/** Options of the Housecall Pro simulator; every field has a working default. */
export interface HousecallproSimOptions {
  port?: number;
  /** Company API keys accepted as `Authorization: Token <key>`. */
  apiKeys?: string[];
  employees?: SimEmployee[];
  /**
   * Requests per sliding window per API key. Housecall Pro publishes no figure; the default,
   * 300 per minute, is a conservative guess, reported in IETF-draft `RateLimit-*` headers.
   */
  rateLimit?: { limit: number; windowMs: number };
  specFile?: string;
  /** Company identity copied into customers and jobs; `time_zone` is what `GET /company` reports. */
  company?: { id: string; name: string; time_zone?: string };
}

/** The default Company API key. */
export const DEFAULT_API_KEY = 'hcp_sim_key_0000000000000000';

/** Fills every default. */
export function resolveHcpOptions(o: HousecallproSimOptions = {}) {
  return {
    port: o.port,
    specFile: o.specFile,
    apiKeys: o.apiKeys ?? [DEFAULT_API_KEY],
    employees: o.employees ?? [
      {
        id: 'pro_sim_1',
        first_name: 'Pat',
        last_name: 'Plumber',
        email: 'pat@sim.test',
        mobile_number: '4155550001',
        role: 'field tech',
        color_hex: '1e88e5',
        tags: [],
      },
      {
        id: 'pro_sim_2',
        first_name: 'Sam',
        last_name: 'Sparks',
        email: 'sam@sim.test',
        mobile_number: '4155550002',
        role: 'field tech',
        color_hex: 'e53935',
        tags: [],
      },
    ],
    rateLimit: o.rateLimit ?? { limit: 300, windowMs: 60_000 },
    company: { time_zone: 'America/New_York', ...(o.company ?? { id: 'company_sim_1', name: 'Sim Home Services' }) },
  };
}

/** Options with defaults filled. */
export type ResolvedHcpOptions = ReturnType<typeof resolveHcpOptions>;

/** An id with Housecall Pro's prefix style (`cus_…`, `job_…`, `adr_…`). */
export function hcpId(prefix: string): string {
  return `${prefix}_${randomBytes(16).toString('hex')}`;
}

/** The last ten digits of a phone number, so "+1 (415) 555-0100" and "4155550100" compare equal. */
export function phoneKey(phone: unknown): string | undefined {
  if (typeof phone !== 'string') return undefined;
  const digits = phone.replace(/\D/g, '');
  return digits.length >= 7 ? digits.slice(-10) : undefined;
}

/**
 * An ISO timestamp in UTC. The spec documents `YYYY-MM-DDTHH:MM:SS` without an offset; the
 * simulator reads such values as UTC (JavaScript would otherwise read them as local time).
 */
export function toUtcIso(value: unknown): string | undefined {
  if (typeof value !== 'string' || value === '') return undefined;
  const zoned = /([zZ]|[+-]\d{2}:?\d{2})$/.test(value) ? value : `${value}Z`;
  const t = Date.parse(zoned);
  return Number.isNaN(t) ? undefined : new Date(t).toISOString();
}

/** One page of a list, in the spec's PaginatedList shape, under `key`. */
export function paginate<T>(items: T[], query: Record<string, unknown>, key: string): Record<string, unknown> {
  const page = Math.max(1, Number(query.page ?? 1) || 1);
  const size = Math.min(200, Math.max(1, Number(query.page_size ?? 10) || 10));
  return {
    page,
    page_size: size,
    total_pages: Math.max(1, Math.ceil(items.length / size)),
    total_items: items.length,
    [key]: items.slice((page - 1) * size, page * size),
  };
}

/** Values of a query parameter sent as `k=a&k=b`, `k[]=a` or `k=a,b`. */
export function listParam(query: Record<string, unknown>, name: string): string[] {
  const raw = query[name] ?? query[`${name}[]`];
  if (raw === undefined) return [];
  return (Array.isArray(raw) ? raw : [raw]).flatMap((v) => String(v).split(',')).filter((v) => v !== '');
}
