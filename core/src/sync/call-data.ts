import { Type, type Static } from '@sinclair/typebox';

const Nullable = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Optional(Type.Union([t, Type.Null()]));

/** An appointment booked during the call (the original spec's `appointment_booked`). */
export const AppointmentBooked = Type.Object(
  {
    date: Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'YYYY-MM-DD' }),
    time: Type.String({ pattern: '^([01]\\d|2[0-3]):[0-5]\\d$', description: 'HH:mm, 24-hour' }),
    timezone: Type.String({ minLength: 1, description: 'IANA time zone, e.g. America/New_York' }),
    durationMinutes: Type.Optional(Type.Integer({ minimum: 1, maximum: 1440 })),
    title: Type.Optional(Type.String()),
    notes: Type.Optional(Type.String()),
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
    agent_id: Type.Optional(Type.String({ minLength: 1 })),
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
  },
  { additionalProperties: true },
);

/** A call as posted to the sync endpoint. */
export type CallData = Static<typeof CallDataSchema> & Record<string, unknown>;

const STANDARD = ['call_id', 'agent_id', 'customer_name', 'customer_phone', 'customer_email', 'call_outcome', 'call_summary', 'call_sentiment', 'transcript', 'recording_url', 'started_at', 'ended_at', 'duration_seconds', 'appointment_booked'] as const;

/**
 * Puts every standard field in place (null when absent) and in the original spec's order, then the
 * custom fields, so mappings and payloads always see the same shape.
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
  return out as CallData;
}
