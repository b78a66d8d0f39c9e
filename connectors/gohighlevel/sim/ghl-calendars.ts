/** Calendar handlers of the GoHighLevel simulator: free slots and appointment booking. */
import { checkLocation, ghlError, ownContact, type GhlCtx, type Reply } from './ghl-contacts.js';
import { ghlId } from './ghl-state.js';
import { freeSlots, isValidTimeZone, type BusyInterval, type SimCalendar } from './ghl-slots.js';

const MAX_RANGE_MS = 31 * 86_400_000;

function ownCalendar(ctx: GhlCtx, id: string): SimCalendar | undefined {
  return ctx.opts.calendars.find((c) => c.id === id && c.locationId === ctx.locationId);
}

function busyOf(ctx: GhlCtx, calendarId: string, except?: string): BusyInterval[] {
  return ctx.appointments
    .find((a) => a.calendarId === calendarId && a.appointmentStatus !== 'cancelled' && !a.deleted && a.id !== except)
    .map((a) => ({ start: Date.parse(String(a.startTime)), end: Date.parse(String(a.endTime)) }));
}

/** `GET /calendars/{calendarId}/free-slots`: opening hours minus booked appointments, by local date. */
export function getFreeSlots(ctx: GhlCtx, calendarId: string, query: Record<string, unknown>): Reply {
  const cal = ownCalendar(ctx, calendarId);
  if (!cal) return ghlError(400, 'Calendar not found');
  const start = Number(query.startDate);
  const end = Number(query.endDate);
  if (end < start) return ghlError(400, 'endDate must be after startDate');
  if (end - start > MAX_RANGE_MS) return ghlError(400, 'Date range cannot be more than 31 days');
  const zone = typeof query.timezone === 'string' && query.timezone !== '' ? query.timezone : cal.timezone;
  if (!isValidTimeZone(zone)) return ghlError(400, `Invalid timezone: ${zone}`);
  return { status: 200, body: freeSlots(cal, start, end, busyOf(ctx, cal.id), zone) };
}

/** True when an appointment at [start, end) starts on a free slot and overlaps no booking. */
function slotIsFree(ctx: GhlCtx, cal: SimCalendar, start: number, end: number, except?: string): boolean {
  const busy = busyOf(ctx, cal.id, except);
  if (busy.some((b) => start < b.end && end > b.start)) return false;
  const offered = Object.values(freeSlots(cal, start, start, busy, 'UTC')).flatMap((d) => d.slots);
  return offered.some((s) => Date.parse(s) === start);
}

/** Why GHL refuses an appointment at [start, end) (bad times; a taken slot when `checkSlot`), or undefined. */
function refusedTime(ctx: GhlCtx, cal: SimCalendar, start: number, end: number, checkSlot: boolean, except?: string): Reply | undefined {
  if (Number.isNaN(start) || Number.isNaN(end)) return ghlError(400, 'startTime and endTime must be ISO 8601 date-times');
  if (end <= start) return ghlError(400, 'endTime must be after startTime');
  if (checkSlot && !slotIsFree(ctx, cal, start, end, except)) return ghlError(400, 'The slot you have selected is no longer available.');
  return undefined;
}

/** `POST /calendars/events/appointments`: books a slot (checked unless `ignoreFreeSlotValidation`). */
export function createAppointment(ctx: GhlCtx, body: Record<string, unknown>): Reply {
  const denied = checkLocation(ctx, body.locationId);
  if (denied) return denied;
  const cal = ownCalendar(ctx, String(body.calendarId));
  if (!cal) return ghlError(400, 'Calendar not found');
  if (!ownContact(ctx, String(body.contactId))) return ghlError(400, 'Contact not found');
  const start = Date.parse(String(body.startTime));
  const end = body.endTime === undefined ? start + cal.slotDurationMinutes * 60_000 : Date.parse(String(body.endTime));
  const refused = refusedTime(ctx, cal, start, end, body.ignoreFreeSlotValidation !== true);
  if (refused) return refused;
  const appt = ctx.appointments.insert({
    id: ghlId(),
    calendarId: cal.id,
    locationId: ctx.locationId,
    contactId: body.contactId,
    startTime: String(body.startTime),
    endTime: body.endTime === undefined ? new Date(end).toISOString() : String(body.endTime),
    title: body.title ?? 'Appointment',
    meetingLocationType: body.meetingLocationType ?? 'default',
    appointmentStatus: body.appointmentStatus ?? 'confirmed',
    assignedUserId: body.assignedUserId,
    address: body.address,
    description: body.description,
    isRecurring: false,
  });
  return { status: 200, body: publicAppointment(appt) };
}

/** An appointment as GHL answers it: no unset fields, no description. */
function publicAppointment(appt: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(appt).filter(([k, v]) => v !== undefined && k !== 'description'));
}

/** An appointment of the caller's location that has not been deleted. */
function liveAppointment(ctx: GhlCtx, id: string): Record<string, unknown> | undefined {
  const appt = ctx.appointments.get(id);
  return appt && appt.locationId === ctx.locationId && !appt.deleted ? appt : undefined;
}

/** `PUT /calendars/events/appointments/{eventId}` (AppointmentEditSchema): a new time must be a free slot unless `ignoreFreeSlotValidation`. */
export function editAppointment(ctx: GhlCtx, id: string, body: Record<string, unknown>): Reply {
  const appt = liveAppointment(ctx, id);
  if (!appt) return ghlError(400, 'Event not found');
  const cal = ownCalendar(ctx, String(body.calendarId ?? appt.calendarId));
  if (!cal) return ghlError(400, 'Calendar not found');
  const startTime = String(body.startTime ?? appt.startTime);
  const endTime = String(body.endTime ?? appt.endTime);
  const [start, end] = [Date.parse(startTime), Date.parse(endTime)];
  const moved = body.startTime !== undefined || body.endTime !== undefined;
  const refused = refusedTime(ctx, cal, start, end, moved && body.ignoreFreeSlotValidation !== true, id);
  if (refused) return refused;
  const fields = Object.fromEntries(Object.entries(body).filter(([k]) => k !== 'ignoreFreeSlotValidation' && k !== 'toNotify'));
  const updated = ctx.appointments.update(id, { ...fields, calendarId: cal.id, startTime, endTime })!;
  return { status: 200, body: publicAppointment(updated) };
}

/** `DELETE /calendars/events/{eventId}`: 201 `{succeeded: true}`; an event that is not there (or deleted already) is a 400. */
export function deleteEvent(ctx: GhlCtx, id: string): Reply {
  if (!liveAppointment(ctx, id)) return ghlError(400, 'Event not found');
  ctx.appointments.update(id, { deleted: true });
  return { status: 201, body: { succeeded: true } };
}
