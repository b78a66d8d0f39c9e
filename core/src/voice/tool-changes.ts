import { randomUUID } from 'node:crypto';
import type { OperationName } from '@hub/manifests';
import { isHubError } from '../errors/hub-error.js';
import { guarded, ready } from '../hub/scheduling-service.js';
import type { HubServices } from '../services.js';
import type { IntegrationDoc } from '../store/repos/documents.js';
import { canChange, chooseCalendar } from './calendar.js';
import type { CallBookingDoc } from './call-bookings.js';
import { spokenWhen } from './speak.js';
import { minutesArg, text, timeArg, zoneArg } from './tool-args.js';
import { callerPhone, localStart, toolProblem, type ToolAnswer, type ToolCall } from './tools.js';

type Target = { ok: true; cal: IntegrationDoc; booking: CallBookingDoc; callId: string } | { ok: false; answer: ToolAnswer };

/** How long a booking this call changed stays the one its next change acts on (Retell retries a tool call within minutes). */
const RETRY_WINDOW_MS = 5 * 60_000;

/**
 * The booking a change acts on: the one made in this call (the latest still booked), else one this
 * call changed in the last minutes (a retry must find the booking it already cancelled or moved, not
 * the caller's next one), else the caller's next booking on the calendar.
 */
async function target(tc: ToolCall, op: OperationName, verb: string): Promise<Target> {
  const cal = await chooseCalendar(tc.hub, tc.voice);
  if (!cal.ok) return { ok: false, answer: toolProblem(cal.problem) };
  if (!canChange(tc.hub, cal.doc, op))
    return {
      ok: false,
      answer: toolProblem({
        error: 'not_supported',
        detail: `${cal.doc.type} cannot ${verb} appointments`,
        result: `I can't ${verb} appointments from here. I'll pass your request on and someone will call you back.`,
      }),
    };
  const bookings = tc.hub.repos.bookings;
  const callId = text(tc.call, 'call_id') ?? 'no-call';
  const phone = callerPhone(tc.call);
  const [live] = await bookings.forCall(cal.doc._id, callId);
  // Each later lookup runs only when the one before found nothing.
  const [recent] = live
    ? []
    : (await bookings.changedInCall(cal.doc._id, callId)).filter((b) => tc.now - Date.parse(b.updatedAt) < RETRY_WINDOW_MS);
  const next = phone && !live && !recent ? await bookings.nextFor(cal.doc.tenantId, cal.doc.agentId, phone, new Date(tc.now)) : null;
  const booking = live ?? recent ?? (next?.integrationId === cal.doc._id ? next : null);
  if (!booking)
    return {
      ok: false,
      answer: toolProblem({ error: 'no_booking', result: `I couldn't find an appointment of yours to ${verb}. When was it booked for?` }),
    };
  return { ok: true, cal: cal.doc, booking, callId };
}

/** Runs a change under the booking's lease, with the booking read again inside it (a retry waits for the first attempt). */
function underLease(tc: ToolCall, booking: CallBookingDoc, fn: (doc: CallBookingDoc) => Promise<ToolAnswer>): Promise<ToolAnswer> {
  return tc.hub.repos.locks.withLock(
    `voice-booking-change:${booking._id}`,
    randomUUID(),
    async () => fn((await tc.hub.repos.bookings.byKey(booking._id)) ?? booking),
    { ttlMs: 60_000, waitMs: 60_000 },
  );
}

async function runChange(hub: HubServices, cal: IntegrationDoc, op: OperationName, input: unknown): Promise<Record<string, unknown>> {
  ready(cal);
  const rt = hub.runtimeFor(cal);
  const out = await guarded(hub, cal, () => rt.execute(op, input, { call: {}, steps: {} }));
  return out && typeof out === 'object' && !Array.isArray(out) ? (out as Record<string, unknown>) : {};
}

/** `cancel_appointment`: cancels the booking made in this call (or the caller's next one); a retry answers the same. */
export async function cancelAppointmentTool(tc: ToolCall): Promise<ToolAnswer> {
  const found = await target(tc, 'cancelAppointment', 'cancel');
  if (!found.ok) return found.answer;
  return underLease(tc, found.booking, async (doc) => {
    const zone = doc.timezone;
    const said = {
      cancelled: true,
      start: localStart(doc, zone),
      timezone: zone,
    };
    if (doc.status === 'cancelled')
      return { result: `Your appointment on ${spokenWhen(doc.start, zone)} is cancelled.`, duplicate: true, ...said };
    await runChange(tc.hub, found.cal, 'cancelAppointment', { id: doc.appointment.id, appointment: doc.appointment });
    await tc.hub.repos.bookings.setStatus(doc._id, 'cancelled', found.callId);
    return { result: `I've cancelled your appointment on ${spokenWhen(doc.start, zone)}.`, duplicate: false, ...said };
  });
}

/** `reschedule_appointment`: moves the booking made in this call (or the caller's next one) to `start_time`; a retry answers the same. */
export async function rescheduleAppointmentTool(tc: ToolCall): Promise<ToolAnswer> {
  const zone = zoneArg(tc.args);
  if (!zone.ok) return toolProblem(zone.problem);
  const start = timeArg(text(tc.args, 'start_time'), zone.value, 'start_time', tc.now);
  if (!start.ok) return toolProblem(start.problem);
  const found = await target(tc, 'rescheduleAppointment', 'move');
  if (!found.ok) return found.answer;
  return underLease(tc, found.booking, async (doc) => {
    const minutes = minutesArg(tc.args, 'duration_minutes', doc.durationMinutes);
    if (!minutes.ok) return toolProblem(minutes.problem);
    const startUtc = start.value.toUTC();
    const said = (d: CallBookingDoc, duplicate: boolean): ToolAnswer => ({
      result: `Your appointment is now ${spokenWhen(d.start, zone.value)}.`,
      rescheduled: true,
      duplicate,
      start: localStart(d, zone.value),
      timezone: zone.value,
      duration_minutes: d.durationMinutes,
      appointment: d.appointment,
    });
    if (doc.status === 'cancelled')
      return toolProblem({
        error: 'booking_cancelled',
        result: 'That appointment was cancelled. Would you like to book a new time instead?',
      });
    if (Date.parse(doc.start) === startUtc.toMillis() && doc.durationMinutes === minutes.value) return said(doc, true);
    const input = {
      id: doc.appointment.id,
      appointment: doc.appointment,
      // In the caller's zone with its offset: calendars show and notify in the time the caller said.
      start: start.value.toISO({ suppressMilliseconds: true }),
      end: start.value.plus({ minutes: minutes.value }).toISO({ suppressMilliseconds: true }),
      timezone: zone.value,
    };
    try {
      const changed = await runChange(tc.hub, found.cal, 'rescheduleAppointment', input);
      const moved = await tc.hub.repos.bookings.move(
        doc._id,
        startUtc.toISO()!,
        minutes.value,
        { ...doc.appointment, ...changed },
        found.callId,
      );
      return said(moved ?? doc, false);
    } catch (err) {
      // The calendar refusing the time (taken, outside hours) is something the caller can answer.
      if (isHubError(err) && err.code === 'HUB_ERR_CRM_REJECTED')
        return toolProblem({
          error: 'time_unavailable',
          detail: err.message,
          result: `I couldn't move it to ${spokenWhen(startUtc.toISO()!, zone.value)}; that time isn't free. Would another time work?`,
        });
      throw err;
    }
  });
}
