import type { OperationName } from '@hub/manifests';
import type { HubServices } from '../services.js';
import type { IntegrationDoc } from '../store/repos/documents.js';
import type { ToolProblem } from './tool-args.js';

/** The calendar a voice agent's tools act on, or why there is none to act on. */
export type CalendarChoice = { ok: true; doc: IntegrationDoc } | { ok: false; problem: ToolProblem };

const ops = (hub: HubServices, doc: IntegrationDoc) => hub.registry.get(doc.type)?.manifest.operations ?? {};

/** True when the integration can book appointments (its connector declares bookAppointment). */
export function canBook(hub: HubServices, doc: IntegrationDoc): boolean {
  return ops(hub, doc).bookAppointment !== undefined;
}

/** True when the integration's connector can do this change to a booking (cancel or reschedule). */
export function canChange(hub: HubServices, doc: IntegrationDoc, op: OperationName): boolean {
  return ops(hub, doc)[op] !== undefined;
}

/**
 * The agent's calendar-capable integration. The voice integration's `calendar_integration` option
 * (an integration id or a type) names it; otherwise the only connected one that books, and among
 * several, the only one that can also tell free times (HubSpot books meetings but keeps no
 * availability, so beside Google Calendar it is not the calendar).
 */
export async function chooseCalendar(hub: HubServices, voice: IntegrationDoc): Promise<CalendarChoice> {
  const all = (await hub.repos.integrations.list(voice.tenantId, voice.agentId)).filter(
    (d) => d._id !== voice._id && d.status === 'connected',
  );
  const named = voice.config.calendar_integration;
  if (typeof named === 'string' && named !== '') {
    const doc = all.find((d) => d._id === named) ?? all.find((d) => d.type === named);
    if (doc && canBook(hub, doc)) return { ok: true, doc };
    return none('calendar_not_connected', `the configured calendar_integration "${named}" is not a connected calendar of this agent`);
  }
  const booking = all.filter((d) => canBook(hub, d));
  if (booking.length === 1) return { ok: true, doc: booking[0] };
  const withSlots = booking.filter((d) => ops(hub, d).getAvailability !== undefined);
  if (withSlots.length === 1) return { ok: true, doc: withSlots[0] };
  if (booking.length === 0) return none('no_calendar', 'the agent has no connected calendar');
  return none('calendar_ambiguous', `the agent has ${booking.length} calendars; set calendar_integration on the voice integration`);
}

function none(error: string, why: string): CalendarChoice {
  return {
    ok: false,
    problem: {
      error,
      detail: why,
      result: "I can't reach the booking calendar right now. Let me take your details and someone will call you back.",
    },
  };
}
