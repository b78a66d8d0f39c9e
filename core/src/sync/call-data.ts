import { Type, type Static } from '@sinclair/typebox';
import { inputError, type HubError } from '../errors/hub-error.js';
import { normalizeCallPhone } from './phone.js';

const Nullable = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Optional(Type.Union([t, Type.Null()]));

/** An appointment booked during the call (the original spec's `appointment_booked`). */
export const AppointmentBooked = Type.Object(
  {
    date: Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'YYYY-MM-DD' }),
    time: Type.String({ pattern: '^([01]\\d|2[0-3]):[0-5]\\d$', description: 'HH:mm, 24-hour' }),
    timezone: Type.String({ minLength: 1, maxLength: 64, description: 'IANA time zone, e.g. America/New_York' }),
    durationMinutes: Type.Optional(Type.Integer({ minimum: 1, maximum: 1440 })),
    title: Type.Optional(Type.String({ maxLength: 300 })),
    notes: Type.Optional(Type.String({ maxLength: 5000 })),
  },
  { additionalProperties: false },
);

/**
 * One finished call: the `call` object of the original spec's Zapier payload. Fields beyond these
 * are the agent's custom fields and travel with the call.
 */
export const CallDataSchema = Type.Object(
  {
    call_id: Type.String({ minLength: 1, maxLength: 200 }),
    agent_id: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    customer_name: Nullable(Type.String({ maxLength: 300 })),
    customer_phone: Nullable(Type.String({ maxLength: 40 })),
    customer_email: Nullable(Type.String({ format: 'email', maxLength: 320 })),
    call_outcome: Nullable(Type.String({ maxLength: 100 })),
    call_summary: Nullable(Type.String({ maxLength: 20000 })),
    call_sentiment: Nullable(Type.String({ maxLength: 50 })),
    transcript: Nullable(Type.String({ maxLength: 500000 })),
    recording_url: Nullable(Type.String({ format: 'uri', maxLength: 2000 })),
    started_at: Nullable(Type.String({ format: 'date-time' })),
    ended_at: Nullable(Type.String({ format: 'date-time' })),
    duration_seconds: Type.Optional(Type.Union([Type.Integer({ minimum: 0 }), Type.Null()])),
    appointment_booked: Type.Optional(Type.Union([AppointmentBooked, Type.Null()])),
    direction: Type.Optional(
      Type.Union([Type.Literal('inbound'), Type.Literal('outbound'), Type.Null()], {
        description: 'who dialled: the customer (inbound) or the agent (outbound); absent means inbound',
      }),
    ),
    disconnection_reason: Nullable(
      Type.String({
        maxLength: 100,
        description: "the voice platform's reason the call ended, e.g. user_hangup, dial_no_answer, dial_busy, voicemail_reached",
      }),
    ),
    in_voicemail: Type.Optional(Type.Union([Type.Boolean(), Type.Null()], { description: 'the call reached voicemail' })),
    call_successful: Type.Optional(
      Type.Union([Type.Boolean(), Type.Null()], { description: "the post-call analysis' verdict on whether the call did its job" }),
    ),
  },
  { additionalProperties: true },
);

/** A call as posted to the sync endpoint. */
export type CallData = Static<typeof CallDataSchema> & Record<string, unknown>;

const STANDARD = [
  'call_id',
  'agent_id',
  'customer_name',
  'customer_phone',
  'customer_email',
  'call_outcome',
  'call_summary',
  'call_sentiment',
  'transcript',
  'recording_url',
  'started_at',
  'ended_at',
  'duration_seconds',
  'appointment_booked',
] as const;

/**
 * Puts every standard field in place (null when absent) and in the original spec's order, then the
 * custom fields, so mappings and payloads always see the same shape. The phone is put in E.164, or
 * flagged `customer_phone_valid: false` when it is not a phone number.
 */
export function normalizeCall(call: CallData, agentId: string): CallData {
  const out: Record<string, unknown> = {};
  for (const key of STANDARD) out[key] = call[key] ?? null;
  out.agent_id = call.agent_id ?? agentId;
  if (out.duration_seconds === null && typeof call.started_at === 'string' && typeof call.ended_at === 'string') {
    const seconds = Math.round((Date.parse(call.ended_at) - Date.parse(call.started_at)) / 1000);
    if (Number.isFinite(seconds) && seconds >= 0) out.duration_seconds = seconds;
  }
  const appt = out.appointment_booked as Record<string, unknown> | null;
  if (appt && appt.durationMinutes === undefined) out.appointment_booked = { ...appt, durationMinutes: 60 };
  for (const [k, v] of Object.entries(call)) if (!(k in out)) out[k] = v;
  normalizeCallPhone(out);
  return out as CallData;
}

/** Bounds on a call's custom fields (every field beyond the standard ones), checked where a call enters. */
export const CUSTOM_FIELD_LIMITS = { count: 100, nameLength: 100, stringLength: 10_000, totalBytes: 64 * 1024 } as const;

/**
 * The first bound a call's custom fields break, as a 400 naming the field, else undefined. The
 * standard fields are bounded by the schema; custom fields travel to every CRM, so they are bounded
 * here: how many, their names, each string, and all of them together as JSON.
 */
export function customFieldsError(call: Record<string, unknown>): HubError | undefined {
  const L = CUSTOM_FIELD_LIMITS;
  const custom = Object.keys(call).filter((k) => !(STANDARD as readonly string[]).includes(k));
  if (custom.length > L.count) return inputError('body', `has ${custom.length} custom fields; at most ${L.count} are allowed`);
  const long = custom.find((k) => k.length > L.nameLength);
  if (long) return inputError(`body.${long.slice(0, 40)}…`, `custom field names are at most ${L.nameLength} characters`);
  const stack: Array<[string, unknown]> = custom.map((k) => [`body.${k}`, call[k]]);
  while (stack.length > 0) {
    const [path, value] = stack.pop()!;
    if (typeof value === 'string' && value.length > L.stringLength)
      return inputError(path, `is ${value.length} characters long; a custom field's text is at most ${L.stringLength} characters`);
    if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) stack.push([`${path}.${k}`, v]);
  }
  const bytes = Buffer.byteLength(JSON.stringify(Object.fromEntries(custom.map((k) => [k, call[k]]))));
  if (bytes > L.totalBytes)
    return inputError(
      'body',
      `custom fields take ${bytes} bytes as JSON; at most ${L.totalBytes} bytes are allowed for all of them together`,
    );
  return undefined;
}
