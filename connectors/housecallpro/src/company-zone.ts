/** The company's own time zone, from `GET /company` (Company.time_zone in the published spec). */
import type { HookContext } from '@hub/core/sdk';

// The spec types time_zone as a bare string. An IANA name is used as it is; the Rails names a
// Rails app may answer with instead are mapped for the US zones Housecall Pro serves.
const RAILS_ZONES: Record<string, string> = {
  'Eastern Time (US & Canada)': 'America/New_York',
  'Central Time (US & Canada)': 'America/Chicago',
  'Mountain Time (US & Canada)': 'America/Denver',
  'Pacific Time (US & Canada)': 'America/Los_Angeles',
  Arizona: 'America/Phoenix',
  Alaska: 'America/Anchorage',
  Hawaii: 'Pacific/Honolulu',
};

/** An IANA zone for a company's `time_zone`, or undefined when it names none this runtime knows. */
export function ianaZone(value: unknown): string | undefined {
  if (typeof value !== 'string' || !value.trim()) return undefined;
  const name = RAILS_ZONES[value.trim()] ?? value.trim();
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return name;
  } catch {
    return undefined;
  }
}

/**
 * The company's time zone, read once per run of the hook that needs it (only availability does:
 * a job's schedule comes from the appointment's own zone). Falls back to `fallback` when the
 * company names no zone this runtime knows, and says so in the log.
 */
export async function companyZone(ctx: HookContext, fallback: string): Promise<string> {
  const answer = await ctx.http.send({ method: 'GET', url: `${ctx.baseUrl}/company`, accept: [404] });
  const raw = answer.status === 200 ? (answer.body as { time_zone?: unknown } | undefined)?.time_zone : undefined;
  const zone = ianaZone(raw);
  if (!zone) ctx.log.warn({ connector: 'housecallpro', time_zone: raw ?? null }, `the company names no known time zone; using ${fallback}`);
  return zone ?? fallback;
}
