import { createHash } from 'node:crypto';
import { HubError, localDayBounds, openSlots, type Hook, type HookContext } from '@hub/core/sdk';

interface Busy {
  start: string;
  end: string;
}
interface FreeBusyAnswer {
  calendars?: Record<string, { busy?: Busy[]; errors?: Array<{ reason?: string }> }>;
}

function calendarPath(ctx: HookContext): string {
  return `${ctx.baseUrl}/calendars/${encodeURIComponent(String(ctx.config.calendar_id ?? 'primary'))}`;
}

/**
 * The event id for one call's booking: Google accepts client ids of base32hex characters
 * ([a-v0-9], 5-1024), so a hex digest of (integration, call) is one, and a retried insert of the
 * same booking answers 409 instead of making a second event.
 */
export function bookingEventId(connectionId: string, callId: string): string {
  return `hub${createHash('sha256').update(`${connectionId}:${callId}`).digest('hex').slice(0, 40)}`;
}

/** Free slots of one local day: freeBusy over the day, business hours and slot length from the config. */
export const getAvailability: Hook = async (ctx, input) => {
  const { date, timezone } = input as { date: string; timezone: string };
  const calendarId = String(ctx.config.calendar_id ?? 'primary');
  let day: { start: string; end: string };
  try {
    day = localDayBounds(date, timezone);
  } catch (err) {
    throw new HubError('HUB_ERR_VALIDATION', `date: ${(err as Error).message}`, { field: 'date' });
  }
  const res = await ctx.http.send({
    method: 'POST',
    url: `${ctx.baseUrl}/freeBusy`,
    body: { timeMin: day.start, timeMax: day.end, timeZone: timezone, items: [{ id: calendarId }] },
  });
  const cal = (res.body as FreeBusyAnswer).calendars?.[calendarId];
  if (!cal || cal.errors?.length) {
    throw new HubError(
      'HUB_ERR_CRM_REJECTED',
      `google-calendar: calendar ${calendarId} cannot be read (${cal?.errors?.[0]?.reason ?? 'not in the answer'})`,
      { retryable: false },
    );
  }
  const slotMinutes = Number(ctx.config.slot_duration_minutes ?? 60);
  const slots = openSlots({
    date,
    timezone,
    startHour: Number(ctx.config.business_hours_start ?? 9),
    endHour: Number(ctx.config.business_hours_end ?? 17),
    slotMinutes,
    busy: cal.busy ?? [],
  });
  return {
    calendar_id: calendarId,
    slot_duration_minutes: slotMinutes,
    slots: slots.map((s) => ({ ...s, time: s.start.slice(11, 16) })),
    busy: cal.busy ?? [],
  };
};

/** Inserts the event with attendees notified; a 409 means this booking exists already, so it is read back. */
export const bookAppointment: Hook = async (ctx, input) => {
  const id = bookingEventId(ctx.connection.id, String(ctx.call.call_id));
  const res = await ctx.http.send({
    method: 'POST',
    url: `${calendarPath(ctx)}/events`,
    query: { sendUpdates: 'all' },
    body: { ...(input as Record<string, unknown>), id },
    accept: [409],
  });
  if (res.status === 409) {
    const existing = await ctx.http.send({ method: 'GET', url: `${calendarPath(ctx)}/events/${id}` });
    const ev = existing.body as { id: string; htmlLink?: string; status?: string };
    return { id: ev.id, htmlLink: ev.htmlLink ?? null, status: ev.status ?? null, duplicate: true };
  }
  const ev = res.body as { id: string; htmlLink?: string; status?: string };
  return { id: ev.id, htmlLink: ev.htmlLink ?? null, status: ev.status ?? null };
};

const eventUrl = (ctx: HookContext, id: unknown) => `${calendarPath(ctx)}/events/${encodeURIComponent(String(id))}`;

/** `events.delete` with attendees told; an event already gone (404, 410) is as good as cancelled, so a retry succeeds. */
export const cancelAppointment: Hook = async (ctx, input) => {
  const { id } = input as { id: string };
  const res = await ctx.http.send({ method: 'DELETE', url: eventUrl(ctx, id), query: { sendUpdates: 'all' }, accept: [404, 410] });
  return { id, cancelled: true, ...(res.status === 204 || res.status === 200 ? {} : { alreadyGone: true }) };
};

/** `events.patch` of the start and end, in the caller's zone, attendees told. */
export const rescheduleAppointment: Hook = async (ctx, input) => {
  const { id, start, end, timezone } = input as { id: string; start: string; end: string; timezone: string };
  const res = await ctx.http.send({
    method: 'PATCH',
    url: eventUrl(ctx, id),
    query: { sendUpdates: 'all' },
    body: { start: { dateTime: start, timeZone: timezone }, end: { dateTime: end, timeZone: timezone } },
  });
  const ev = res.body as { id: string; htmlLink?: string; status?: string };
  return { id: ev.id, htmlLink: ev.htmlLink ?? null, status: ev.status ?? null };
};
