/** Retell call webhooks (call_started, call_ended, call_analyzed) read into the hub's CallData. */

/** The hub's view of one provider event (the shape core's voice-event contract expects). */
export interface ReadEvent {
  kind: 'started' | 'ended' | 'analyzed' | 'inbound' | 'other';
  providerCallId: string;
  /** false when the call never connected (no answer, busy, failed dial) */
  connected: boolean;
  /** the metadata the call was created with: the hub puts its own links back here */
  metadata: Record<string, unknown>;
  /** the call as CallData (the original spec's `call` object plus custom fields) */
  call: Record<string, unknown>;
}

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {});
const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined);
const KINDS: Record<string, ReadEvent['kind']> = { call_started: 'started', call_ended: 'ended', call_analyzed: 'analyzed' };
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const TIME = /^([01]\d|2[0-3]):[0-5]\d$/;

/**
 * Reads one webhook payload `{event, call}`, or the inbound webhook's `{event: 'call_inbound',
 * call_inbound: {agent_id, from_number, to_number}}` (no call id yet: the caller is still ringing);
 * throws a plain Error naming what is missing.
 */
export function readRetellEvent(payload: unknown): ReadEvent {
  const body = obj(payload);
  if (body.event === 'call_inbound') return readInbound(obj(body.call_inbound));
  const call = obj(body.call);
  const callId = str(call.call_id);
  if (typeof body.event !== 'string') throw new Error('event: is missing');
  if (!callId) throw new Error('call.call_id: is missing');
  return {
    kind: KINDS[body.event] ?? 'other',
    providerCallId: callId,
    connected: call.call_status !== 'not_connected' && call.call_status !== 'error',
    metadata: obj(call.metadata),
    call: retellCallData(call),
  };
}

function readInbound(inbound: Obj): ReadEvent {
  const from = str(inbound.from_number);
  if (!from) throw new Error('call_inbound.from_number: is missing');
  return {
    kind: 'inbound',
    providerCallId: '',
    connected: true,
    metadata: {},
    call: {
      customer_phone: from,
      to_number: str(inbound.to_number) ?? null,
      retell_agent_id: str(inbound.agent_id) ?? null,
      direction: 'inbound',
    },
  };
}

/** The inbound webhook's answer: the caller's dynamic variables (strings) and metadata the call will carry. */
export function retellInboundAnswer(variables: Record<string, string>, metadata: Record<string, unknown>): Record<string, unknown> {
  return { call_inbound: { dynamic_variables: variables, metadata } };
}

/**
 * Retell's call object as CallData. The customer is the far end: `to_number` on outbound calls,
 * `from_number` on inbound ones. Outcome and appointment come from `custom_analysis_data`, which the
 * agent's post-call analysis fills with whatever fields the tenant defined.
 */
export function retellCallData(call: Obj): Record<string, unknown> {
  const analysis = obj(call.call_analysis);
  const custom = obj(analysis.custom_analysis_data);
  const vars = obj(call.retell_llm_dynamic_variables);
  const outbound = call.direction !== 'inbound';
  const appointment = appointmentFrom(custom);
  const start = typeof call.start_timestamp === 'number' ? call.start_timestamp : undefined;
  const end = typeof call.end_timestamp === 'number' ? call.end_timestamp : undefined;
  return {
    call_id: String(call.call_id),
    customer_name: str(custom.customer_name) ?? str(vars.customer_name) ?? null,
    customer_phone: str(outbound ? call.to_number : call.from_number) ?? null,
    customer_email: str(custom.customer_email) ?? str(vars.customer_email) ?? str(vars.email) ?? null,
    call_outcome: outcomeOf(call, analysis, custom, appointment !== null),
    call_summary: str(analysis.call_summary) ?? null,
    call_sentiment: sentimentOf(analysis.user_sentiment),
    transcript: str(call.transcript) ?? null,
    recording_url: str(call.recording_url) ?? null,
    started_at: start !== undefined ? new Date(start).toISOString() : null,
    ended_at: end !== undefined ? new Date(end).toISOString() : null,
    duration_seconds: typeof call.duration_ms === 'number' ? Math.round(call.duration_ms / 1000) : null,
    appointment_booked: appointment,
    retell_call_id: String(call.call_id),
    retell_agent_id: str(call.agent_id) ?? null,
    direction: outbound ? 'outbound' : 'inbound',
    call_status: str(call.call_status) ?? null,
    disconnection_reason: str(call.disconnection_reason) ?? null,
    call_successful: typeof analysis.call_successful === 'boolean' ? analysis.call_successful : null,
    in_voicemail: typeof analysis.in_voicemail === 'boolean' ? analysis.in_voicemail : null,
    custom_analysis_data: custom,
  };
}

function sentimentOf(raw: unknown): string | null {
  const s = str(raw)?.toLowerCase();
  return s && s !== 'unknown' ? s : null;
}

function outcomeOf(call: Obj, analysis: Obj, custom: Obj, booked: boolean): string | null {
  const given = str(custom.call_outcome) ?? str(custom.outcome);
  if (given) return given;
  if (booked) return 'appointment_booked';
  if (call.call_status === 'not_connected') return 'not_connected';
  if (analysis.in_voicemail === true) return 'voicemail';
  return null;
}

/**
 * `custom_analysis_data.appointment_booked` as an object, or flat `appointment_date`,
 * `appointment_time`, `appointment_timezone` (the shapes a post-call analysis schema can hold).
 * Anything that does not make a valid appointment gives none rather than a half-booked one.
 */
export function appointmentFrom(custom: Obj): Record<string, unknown> | null {
  const nested = obj(custom.appointment_booked);
  const date = str(nested.date) ?? str(custom.appointment_date);
  const time = str(nested.time) ?? str(custom.appointment_time);
  const timezone = str(nested.timezone) ?? str(custom.appointment_timezone) ?? str(custom.timezone);
  if (!date || !time || !timezone || !DATE.test(date) || !TIME.test(time)) return null;
  const minutes = Number(nested.durationMinutes ?? custom.appointment_duration_minutes);
  return { date, time, timezone, ...(Number.isInteger(minutes) && minutes > 0 && minutes <= 1440 ? { durationMinutes: minutes } : {}) };
}
