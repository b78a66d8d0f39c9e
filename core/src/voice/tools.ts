import { randomUUID } from 'node:crypto';
import { DateTime } from 'luxon';
import { isHubError } from '../errors/hub-error.js';
import { bookAppointment } from '../hub/scheduling-service.js';
import type { HubServices } from '../services.js';
import type { IntegrationDoc } from '../store/repos/documents.js';
import { toE164 } from '../sync/phone.js';
import { chooseCalendar } from './calendar.js';
import { CallBookingRepo, type CallBookingDoc } from './call-bookings.js';
import { findContactIn, lookupIntegrations } from './contact-lookup.js';
import { spokenWhen } from './speak.js';
import { dayArg, minutesArg, text, timeArg, zoneArg, type ToolProblem } from './tool-args.js';
import { freeSlots, sayFreeSlots } from './tool-calendar.js';
import { cancelAppointmentTool, rescheduleAppointmentTool } from './tool-changes.js';

/** One tool call as the hub sees it: who asked (the voice integration), the arguments and the provider's call. */
export interface ToolCall {
  hub: HubServices;
  voice: IntegrationDoc;
  args: Record<string, unknown>;
  call: Record<string, unknown>;
  now: number;
}

/** A tool's answer: a sentence the agent can say, the data beside it, and `error` when the request could not be done. */
export type ToolAnswer = { result: string; error?: string } & Record<string, unknown>;

/** A tool's answer when its arguments or the calendar do not allow the request: what to say, and why. */
export const toolProblem = (p: ToolProblem): ToolAnswer => ({
  result: p.result,
  error: p.error,
  ...(p.detail ? { detail: p.detail } : {}),
});

/** The customer's number on a provider call: the far end (the caller on inbound calls, the callee on outbound ones). */
export function callerPhone(call: Record<string, unknown>): string | undefined {
  const raw = call.direction === 'outbound' ? call.to_number : call.from_number;
  return typeof raw === 'string' ? toE164(raw) : undefined;
}

/** `check_availability`: `{date, timezone}` or `{start_time, end_time, timezone}`; free times in words. */
export async function checkAvailabilityTool(tc: ToolCall): Promise<ToolAnswer> {
  const zone = zoneArg(tc.args);
  if (!zone.ok) return toolProblem(zone.problem);
  let from: DateTime;
  let to: DateTime;
  const start = text(tc.args, 'start_time');
  if (start) {
    // A window that began a moment ago is still a fine question; only its end must be ahead.
    const a = timeArg(start, zone.value, 'start_time', Number.NEGATIVE_INFINITY);
    if (!a.ok) return toolProblem(a.problem);
    const b = timeArg(text(tc.args, 'end_time') ?? a.value.endOf('day').toISO()!.slice(0, 19), zone.value, 'end_time', tc.now);
    if (!b.ok) return toolProblem(b.problem);
    if (b.value <= a.value)
      return toolProblem({ error: 'invalid_range', result: 'The end of that window is before its start. What times did you mean?' });
    [from, to] = [a.value, b.value];
  } else {
    const day = dayArg(text(tc.args, 'date'), zone.value, tc.now);
    if (!day.ok) return toolProblem(day.problem);
    [from, to] = [day.value, day.value.plus({ days: 1 })];
  }
  const cal = await chooseCalendar(tc.hub, tc.voice);
  if (!cal.ok) return toolProblem(cal.problem);
  const slots = await freeSlots(tc.hub, cal.doc, zone.value, from, to, tc.now);
  return {
    result: sayFreeSlots(slots, zone.value, from, to),
    timezone: zone.value,
    slots,
    integration_id: cal.doc._id,
    type: cal.doc.type,
  };
}

/** `book_appointment`: books `start_time` in `timezone`; the same call and start is always the same booking. */
export async function bookAppointmentTool(tc: ToolCall): Promise<ToolAnswer> {
  const zone = zoneArg(tc.args);
  if (!zone.ok) return toolProblem(zone.problem);
  const start = timeArg(text(tc.args, 'start_time'), zone.value, 'start_time', tc.now);
  if (!start.ok) return toolProblem(start.problem);
  const cal = await chooseCalendar(tc.hub, tc.voice);
  if (!cal.ok) return toolProblem(cal.problem);
  const minutes = minutesArg(tc.args, 'duration_minutes', Number(cal.doc.config.slot_duration_minutes ?? 60) || 60);
  if (!minutes.ok) return toolProblem(minutes.problem);
  const callId = text(tc.call, 'call_id') ?? 'no-call';
  const key = CallBookingRepo.key(cal.doc._id, callId, start.value.toMillis());
  const bookings = tc.hub.repos.bookings;
  return tc.hub.repos.locks.withLock(
    `voice-booking:${key}`,
    randomUUID(),
    async () => {
      const known = await bookings.byKey(key);
      if (known) return booked(known, zone.value, true);
      const name = text(tc.args, 'customer_name') ?? null;
      const phone = toE164(text(tc.args, 'customer_phone') ?? null) ?? callerPhone(tc.call);
      const email = text(tc.args, 'customer_email');
      const req = {
        title: text(tc.args, 'title') ?? `Appointment${name ? ` with ${name}` : ''}`,
        date: start.value.toISODate()!,
        time: start.value.toFormat('HH:mm'),
        timezone: zone.value,
        durationMinutes: minutes.value,
        ...(name ? { customer_name: name } : {}),
        ...(phone ? { customer_phone: phone } : {}),
        ...(email ? { customer_email: email } : {}),
      };
      const answer = await bookAppointment(tc.hub, cal.doc, req, { key });
      const appointment = (answer.appointment ?? {}) as Record<string, unknown>;
      // A calendar that moved the booking to its next free slot (GoHighLevel) says where it went.
      const moved =
        typeof appointment.startTime === 'string' && appointment.rescheduled === true
          ? DateTime.fromISO(appointment.startTime)
          : start.value;
      const doc = await bookings.remember({
        _id: key,
        tenantId: cal.doc.tenantId,
        agentId: cal.doc.agentId,
        integrationId: cal.doc._id,
        callId,
        start: moved.toUTC().toISO()!,
        timezone: zone.value,
        durationMinutes: minutes.value,
        ...(phone ? { phone } : {}),
        ...(email ? { email } : {}),
        status: 'booked',
        appointment,
        ...(typeof answer.contact_id === 'string' ? { contactId: answer.contact_id } : {}),
      });
      return booked(doc, zone.value, false, moved.toMillis() !== start.value.toMillis());
    },
    { ttlMs: 60_000, waitMs: 60_000 },
  );
}

/** A booking's start in the caller's zone, with its offset: how the booking tools answer a time. */
export function localStart(doc: CallBookingDoc, zone: string): string | null {
  return DateTime.fromISO(doc.start).setZone(zone).toISO({ suppressMilliseconds: true });
}

function booked(doc: CallBookingDoc, zone: string, duplicate: boolean, moved = false): ToolAnswer {
  const when = spokenWhen(doc.start, zone);
  return {
    result: moved ? `That time was taken, so I booked the next free time: ${when}.` : `You're booked for ${when}.`,
    booked: true,
    duplicate,
    start: localStart(doc, zone),
    timezone: zone,
    duration_minutes: doc.durationMinutes,
    integration_id: doc.integrationId,
    appointment: doc.appointment,
    ...(doc.contactId ? { contact_id: doc.contactId } : {}),
  };
}

/** `find_customer`: `{phone?, email?}` (default: the caller's number) looked up in the agent's CRMs, never creating. */
export async function findCustomerTool(tc: ToolCall): Promise<ToolAnswer> {
  const phone = toE164(text(tc.args, 'phone') ?? null) ?? (text(tc.args, 'phone') ? undefined : callerPhone(tc.call));
  const email = text(tc.args, 'email');
  if (!phone && !email)
    return toolProblem({ error: 'missing_contact', result: "I didn't catch a phone number or email to look up. Could you tell me yours?" });
  for (const doc of await lookupIntegrations(tc.hub, tc.voice.tenantId, tc.voice.agentId)) {
    const found = await findContactIn(tc.hub, doc, { phone, email });
    if (found)
      return {
        result: `I found ${found.name ?? 'your record'}${found.email ? `, email ${found.email}` : ''}.`,
        found: true,
        customer: found,
      };
  }
  return { result: `I couldn't find a customer with that ${phone ? 'number' : 'email'}.`, found: false, customer: null };
}

/** The hub's tools by the name Retell calls them. */
export const TOOL_HANDLERS: Record<string, (tc: ToolCall) => Promise<ToolAnswer>> = {
  check_availability: checkAvailabilityTool,
  book_appointment: bookAppointmentTool,
  find_customer: findCustomerTool,
  cancel_appointment: cancelAppointmentTool,
  reschedule_appointment: rescheduleAppointmentTool,
};

/** Runs a tool; a CRM failure becomes a sentence the agent can say (Retell reads any answer aloud) and is logged. */
export async function runTool(name: string, tc: ToolCall): Promise<ToolAnswer> {
  try {
    return await TOOL_HANDLERS[name](tc);
  } catch (err) {
    const code = isHubError(err) ? err.code : 'HUB_ERR_INTERNAL';
    tc.hub.logger.warn(
      { tool: name, integrationId: tc.voice._id, code, err: isHubError(err) ? err.toJSON() : String(err) },
      'voice tool failed',
    );
    if (isHubError(err) && err.field === 'customer_phone')
      return { result: 'I need your phone number or email to book that. What is the best number to reach you?', error: 'missing_contact' };
    return {
      result: "I'm sorry, I couldn't do that just now. Let me take your details and someone will call you back.",
      error: 'crm_unavailable',
      code,
    };
  }
}
