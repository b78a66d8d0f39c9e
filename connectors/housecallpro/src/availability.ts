/** Housecall Pro has no free-slots API: availability is business hours minus the day's scheduled jobs. */
import { HubError, localDayBounds, openSlots, type BusyInterval, type Hook, type HookContext } from '@hub/core/sdk';
import { companyZone } from './company-zone.js';

type Obj = Record<string, unknown>;
/** The zone when neither the tenant nor the company names one. */
export const DEFAULT_ZONE = 'America/New_York';
const CANCELED = new Set(['user canceled', 'pro canceled']);
const MAX_PAGES = 20;

/** Every job whose schedule overlaps the window, for one employee when given (all pages). */
async function scheduledJobs(ctx: HookContext, window: { start: string; end: string }, employeeId?: string): Promise<Obj[]> {
  const jobs: Obj[] = [];
  for (let page = 1; page <= MAX_PAGES; page++) {
    const query: Obj = { scheduled_start_max: window.end, scheduled_end_min: window.start, page, page_size: 100 };
    if (employeeId) query.employee_ids = [employeeId];
    const answer = await ctx.http.send({ method: 'GET', url: `${ctx.baseUrl}/jobs`, query });
    const body = (answer.body ?? {}) as { jobs?: Obj[]; total_pages?: number };
    jobs.push(...(body.jobs ?? []));
    if (page >= (body.total_pages ?? 1)) break;
  }
  return jobs;
}

/** The busy intervals of jobs that still hold their slot (cancelled ones free it). */
export function busyFromJobs(jobs: Obj[]): BusyInterval[] {
  return jobs.flatMap((j) => {
    const s = (j.schedule ?? {}) as { scheduled_start?: string | null; scheduled_end?: string | null };
    if (!s.scheduled_start || !s.scheduled_end || CANCELED.has(String(j.work_status))) return [];
    return [{ start: s.scheduled_start, end: s.scheduled_end }];
  });
}

/** `getAvailability({date})` → `{date, timezone, slotMinutes, slots}`: slot starts as ISO in the company's zone. */
export const getAvailability: Hook = async (ctx, input) => {
  const { date } = (input ?? {}) as { date?: string };
  if (typeof date !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(date))
    throw new HubError('HUB_ERR_VALIDATION', 'date must be YYYY-MM-DD', { field: 'date', retryable: false });
  const c = ctx.config;
  // Business hours are the company's, so slots are computed and answered in its zone.
  const zone = typeof c.timezone === 'string' && c.timezone ? c.timezone : await companyZone(ctx, DEFAULT_ZONE);
  const window = localDayBounds(date, zone);
  const jobs = await scheduledJobs(ctx, window, typeof c.default_employee_id === 'string' ? c.default_employee_id : undefined);
  const slots = openSlots({
    date,
    timezone: zone,
    startHour: Number(c.business_hours_start ?? 8),
    endHour: Number(c.business_hours_end ?? 18),
    slotMinutes: Number(c.slot_duration_minutes ?? 120),
    busy: busyFromJobs(jobs),
  });
  return { date, timezone: zone, slotMinutes: Number(c.slot_duration_minutes ?? 120), slots: slots.map((s) => s.start), busy: jobs.length };
};
