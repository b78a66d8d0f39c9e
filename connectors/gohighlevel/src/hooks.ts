/** GoHighLevel hooks: only what one declared request cannot do. */
import { applySimpleMappings, HubError, isHubError, type Hook, type HookContext } from '@hub/core/sdk';
import { contactFieldDefs, findDef, splitFields, toCustomFields, UPSERT_FIELDS } from './custom-fields.js';

// The manifest's default `Version` header (2021-07-28) reaches hooks too; calendar endpoints
// declare their own API version in the published spec, so their requests set it.
const CALENDARS = { Version: '2021-04-15' };

function withoutEmpty(obj: Record<string, unknown>): Record<string, unknown> {
  // A null email or phone in an upsert would blank what the contact already has.
  return Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined && v !== null && v !== ''));
}

async function post(ctx: HookContext, path: string, body: unknown, headers?: Record<string, string>): Promise<Record<string, unknown>> {
  const answer = await ctx.http.send({ method: 'POST', url: `${ctx.baseUrl}${path}`, headers, body });
  return (answer.body ?? {}) as Record<string, unknown>;
}

/**
 * Contact by the native `POST /contacts/upsert`. Keys that are not upsert fields (from the tenant's
 * simple field mappings) become `customFields` entries, resolved to field ids from the custom-fields API.
 */
export const upsertContact: Hook = async (ctx, input) => {
  let body = withoutEmpty((input ?? {}) as Record<string, unknown>);
  const configured = ctx.config.field_mappings;
  if (configured && typeof configured === 'object') body = applySimpleMappings(body, ctx.call, configured as Record<string, string>);
  const { known, loose } = splitFields(body);
  let unmatched: string[] = [];
  if (Object.keys(loose).length) {
    const resolved = toCustomFields(await contactFieldDefs(ctx), loose);
    unmatched = resolved.unmatched;
    if (unmatched.length)
      ctx.log.warn({ connector: 'gohighlevel', unmatched }, 'mapped fields match no custom field of the location; left out');
    if (resolved.entries.length) known.customFields = [...((known.customFields as unknown[] | undefined) ?? []), ...resolved.entries];
  }
  const answer = await post(ctx, '/contacts/upsert', known);
  const contact = (answer.contact ?? {}) as Record<string, unknown>;
  return { id: contact.id, new: answer.new === true, ...(unmatched.length ? { unmatchedFields: unmatched } : {}) };
};

/** Contact fields `PUT /contacts/{id}` takes (UpdateContactDto); the upsert's location and duplicate flag are not among them. */
const UPDATE_FIELDS = new Set(
  [...UPSERT_FIELDS].filter((k) => !['locationId', 'gender', 'companyName', 'createNewIfDuplicateAllowed'].includes(k)),
);

/**
 * The contact as it is now (`GET /contacts/{id}`), flat: the fields it has by their names, and its
 * custom fields under the keys the sync writes them by (resolved through the location's definitions).
 */
export const readContact: Hook = async (ctx, input) => {
  const { id, fields = [] } = input as { id: string; fields?: string[] };
  const answer = await ctx.http.send({ method: 'GET', url: `${ctx.baseUrl}/contacts/${encodeURIComponent(id)}` });
  const contact = ((answer.body as { contact?: Record<string, unknown> })?.contact ?? {}) as Record<string, unknown>;
  const out: Record<string, unknown> = { ...contact };
  const custom = fields.filter((f) => !UPSERT_FIELDS.has(f));
  if (custom.length) {
    const defs = await contactFieldDefs(ctx);
    const values = new Map(((contact.customFields as Array<{ id: string; value: unknown }> | undefined) ?? []).map((f) => [f.id, f.value]));
    for (const key of custom) {
      const def = findDef(defs, key);
      if (def) out[key] = values.get(def.id);
    }
  }
  return out;
};

/** Writes fields onto an existing contact with `PUT /contacts/{id}`; keys GHL does not know become custom fields, as in the upsert. */
export const updateContact: Hook = async (ctx, input) => {
  const { id, fields } = input as { id: string; fields: Record<string, unknown> };
  const { known, loose } = splitFields(withoutEmpty(fields));
  const body = Object.fromEntries(Object.entries(known).filter(([k]) => UPDATE_FIELDS.has(k)));
  if (Object.keys(loose).length) {
    const resolved = toCustomFields(await contactFieldDefs(ctx), loose);
    if (resolved.entries.length) body.customFields = [...((body.customFields as unknown[] | undefined) ?? []), ...resolved.entries];
  }
  if (Object.keys(body).length === 0) return { updatedFields: [] };
  await ctx.http.send({ method: 'PUT', url: `${ctx.baseUrl}/contacts/${encodeURIComponent(id)}`, body });
  return { updatedFields: Object.keys(body) };
};

interface Appointment {
  date: string;
  time: string;
  timezone: string;
  durationMinutes?: number;
}

/**
 * Books on the calendar's free slots: the requested time when it is offered, else the next free
 * slot that day (flagged `rescheduled`), so a booking the caller agreed to is never silently lost.
 */
export const bookAppointment: Hook = async (ctx, input) => {
  // A synced call always has its contact by now; the booking route has one only when it was told who.
  if (!(ctx.steps.contact as { id?: unknown } | undefined)?.id) {
    throw new HubError(
      'HUB_ERR_VALIDATION',
      'customer_phone: a GoHighLevel appointment belongs to a contact; give customer_phone or customer_email',
      { field: 'customer_phone', retryable: false },
    );
  }
  const appt = ctx.call.appointment_booked as Appointment;
  const free = (await ctx.run('getAvailability', { date: appt.date, timezone: appt.timezone })) as { slots?: string[] } | null;
  const slots = free?.slots ?? [];
  // Slots are labelled in the requested zone ("2026-02-20T14:00:00-05:00"), so the local wall time compares as text.
  const wanted = `${appt.date}T${appt.time}`;
  const chosen = slots.find((s) => s.slice(0, 16) === wanted) ?? slots.find((s) => s.slice(0, 16) > wanted);
  if (!chosen) {
    throw new HubError(
      'HUB_ERR_CRM_REJECTED',
      `gohighlevel: calendar ${String(ctx.config.calendar_id)} has no free slot on ${appt.date} at or after ${appt.time} (${appt.timezone})`,
      { retryable: false },
    );
  }
  const endTime = new Date(Date.parse(chosen) + (appt.durationMinutes ?? 60) * 60_000).toISOString();
  const body = { ...withoutEmpty(input as Record<string, unknown>), startTime: chosen, endTime };
  const answer = await post(ctx, '/calendars/events/appointments', body, CALENDARS);
  return { id: answer.id, startTime: chosen, endTime, ...(chosen.slice(0, 16) !== wanted ? { rescheduled: true, requested: wanted } : {}) };
};

/** `DELETE /calendars/events/{eventId}` (body `{}`, as DeleteAppointmentSchema wants); an event already gone counts as cancelled. */
export const cancelAppointment: Hook = async (ctx, input) => {
  const { id } = input as { id: string };
  const res = await ctx.http.send({
    method: 'DELETE',
    url: `${ctx.baseUrl}/calendars/events/${encodeURIComponent(id)}`,
    headers: CALENDARS,
    body: {},
    accept: [400],
  });
  if (res.status === 400) {
    const message = String((res.body as { message?: unknown } | undefined)?.message ?? '');
    // A retry after a lost answer finds the event deleted; anything else is a real refusal.
    if (!/not found/i.test(message))
      throw new HubError('HUB_ERR_CRM_REJECTED', `gohighlevel answered 400: ${message}`, { retryable: false });
    return { id, cancelled: true, alreadyGone: true };
  }
  return { id, cancelled: true };
};

/** `PUT /calendars/events/appointments/{eventId}` with the new start and end; GHL refuses a time that is not a free slot. */
export const rescheduleAppointment: Hook = async (ctx, input) => {
  const { id, start, end } = input as { id: string; start: string; end: string };
  const res = await ctx.http.send({
    method: 'PUT',
    url: `${ctx.baseUrl}/calendars/events/appointments/${encodeURIComponent(id)}`,
    headers: CALENDARS,
    body: { startTime: start, endTime: end },
  });
  const appt = (res.body ?? {}) as Record<string, unknown>;
  return { id: appt.id ?? id, startTime: appt.startTime ?? start, endTime: appt.endTime ?? end };
};

/**
 * `POST /opportunities/`. GHL refuses a second opportunity for the same contact in a pipeline; a
 * returning caller already has one, so that answer is recorded, not failed.
 */
export const createOpportunity: Hook = async (ctx, input) => {
  try {
    const answer = await post(ctx, '/opportunities/', withoutEmpty(input as Record<string, unknown>));
    const opp = (answer.opportunity ?? {}) as Record<string, unknown>;
    return { id: opp.id, pipelineId: opp.pipelineId, pipelineStageId: opp.pipelineStageId };
  } catch (err) {
    if (isHubError(err) && err.code === 'HUB_ERR_CRM_REJECTED' && /duplicate opportunity/i.test(err.message)) {
      return { id: null, duplicate: true, reason: 'the contact already has an opportunity in this pipeline' };
    }
    throw err;
  }
};
