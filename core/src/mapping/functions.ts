import { DateTime } from 'luxon';
import { toE164 } from '../sync/phone.js';

/** An appointment as the call carries it. */
interface Appt {
  date?: string;
  time?: string;
  timezone?: string;
  durationMinutes?: number;
}

function start(appt: Appt | undefined): DateTime | undefined {
  if (!appt?.date || !appt.time) return undefined;
  const dt = DateTime.fromISO(`${appt.date}T${appt.time}`, { zone: appt.timezone || 'UTC' });
  return dt.isValid ? dt : undefined;
}

/**
 * Functions every JSONata expression may call, for what JSONata cannot do well itself: time zones
 * (luxon), phone numbers (libphonenumber), names, and the standard call note.
 */
export const expressionFunctions: Record<string, (...args: never[]) => unknown> = {
  /** `$e164(phone)`: E.164 or undefined */
  e164: (phone: string | null) => toE164(phone) ?? undefined,
  /** `$firstName(name)` / `$lastName(name)`: split on the last space */
  firstName: (name: string | null) => (name ? name.trim().split(/\s+/).slice(0, -1).join(' ') || name.trim() : undefined),
  lastName: (name: string | null) => {
    const parts = (name ?? '').trim().split(/\s+/).filter(Boolean);
    return parts.length > 1 ? parts[parts.length - 1] : undefined;
  },
  /** `$apptStart(appt)`: ISO start with the appointment's offset; `$apptStartUtc`, `$apptEnd`, `$apptEndUtc`, `$apptStartMs` */
  apptStart: (appt: Appt) => start(appt)?.toISO({ suppressMilliseconds: true }) ?? undefined,
  apptStartUtc: (appt: Appt) => start(appt)?.toUTC().toISO({ suppressMilliseconds: true }) ?? undefined,
  apptStartMs: (appt: Appt) => start(appt)?.toMillis(),
  apptEnd: (appt: Appt) =>
    start(appt)
      ?.plus({ minutes: appt.durationMinutes ?? 60 })
      .toISO({ suppressMilliseconds: true }) ?? undefined,
  apptEndUtc: (appt: Appt) =>
    start(appt)
      ?.plus({ minutes: appt.durationMinutes ?? 60 })
      .toUTC()
      .toISO({ suppressMilliseconds: true }) ?? undefined,
  /** `$toMillis(iso)`: epoch ms of an ISO time */
  isoToMillis: (iso: string | null) => (iso ? Date.parse(iso) : undefined),
  /** `$addDays(iso, n)`: YYYY-MM-DD n days after the date of iso (default: today, UTC) */
  addDays: (iso: string | null, days: number) =>
    DateTime.fromISO(iso ?? DateTime.utc().toISO()!, { zone: 'utc' })
      .plus({ days })
      .toISODate(),
  /** `$callNote(call)`: the standard note text: outcome, sentiment, duration, recording, the call's marker, summary */
  callNote: (call: Record<string, unknown>) => callNote(call),
  /** `$callMarker(call)`: "Call ID: <call_id>", the line that lets a recovery lookup find what the hub wrote for a call */
  callMarker: (call: Record<string, unknown>) => callMarker(call),
  /** `$callResult(call)`: how the call went: completed, voicemail, no_answer, busy or failed */
  callResult: (call: Record<string, unknown>) => callResult(call),
  /** `$hasCallMarker(text, call)`: true when text carries this call's marker (not one of a longer id) */
  hasCallMarker: (text: unknown, call: Record<string, unknown>) => hasCallMarker(text, call),
};

/** The marker naming a call in the records the hub writes, e.g. "Call ID: call_abc123". */
export function callMarker(call: Record<string, unknown>): string {
  return `Call ID: ${String(call.call_id ?? '')}`;
}

/** True when text (plain or HTML) carries the call's marker, ending where the id ends. */
export function hasCallMarker(text: unknown, call: Record<string, unknown>): boolean {
  if (typeof text !== 'string' || !call.call_id) return false;
  const marker = callMarker(call);
  // "call_1" must not match the marker of "call_12": the id has to end at a non-id character.
  for (let at = text.indexOf(marker); at >= 0; at = text.indexOf(marker, at + 1)) {
    if (!/[A-Za-z0-9_.:-]/.test(text.charAt(at + marker.length))) return true;
  }
  return false;
}

/** How a call went, as every connector words it. */
export type CallResult = 'completed' | 'voicemail' | 'no_answer' | 'busy' | 'failed';

// Disconnection reasons as voice platforms (Retell) name them; an unknown reason is a call that happened.
const NO_ANSWER = new Set(['dial_no_answer', 'user_declined', 'no_answer']);
const BUSY = new Set(['dial_busy', 'busy']);
const FAILED =
  /^(dial_failed|invalid_destination|telephony_provider_.*|sip_routing_error|marked_as_spam|concurrency_limit_reached|no_valid_payment|scam_detected|registered_call_timeout|error_.*|failed)$/;

/** The result of a call from its disconnection reason, voicemail flag and status. */
export function callResult(call: Record<string, unknown>): CallResult {
  const reason = typeof call.disconnection_reason === 'string' ? call.disconnection_reason : '';
  if (call.in_voicemail === true || reason === 'voicemail_reached' || reason === 'machine_detected') return 'voicemail';
  if (NO_ANSWER.has(reason)) return 'no_answer';
  if (BUSY.has(reason)) return 'busy';
  if (FAILED.test(reason) || call.call_status === 'not_connected' || call.call_status === 'error') return 'failed';
  return 'completed';
}

const RESULT_WORDS: Record<CallResult, string> = {
  completed: 'answered',
  voicemail: 'reached voicemail',
  no_answer: 'no answer',
  busy: 'line busy',
  failed: 'the call failed',
};

/** The note text the connectors write for a call. */
export function callNote(call: Record<string, unknown>): string {
  const outbound = call.direction === 'outbound';
  const lines = [outbound ? 'AI phone call (outbound: the agent called the customer)' : 'AI phone call'];
  if (outbound || call.disconnection_reason || call.in_voicemail !== undefined)
    lines.push(`Result: ${RESULT_WORDS[callResult(call)]}${call.disconnection_reason ? ` (${String(call.disconnection_reason)})` : ''}`);
  if (typeof call.call_successful === 'boolean') lines.push(`Successful: ${call.call_successful ? 'yes' : 'no'}`);
  if (call.call_outcome) lines.push(`Outcome: ${String(call.call_outcome)}`);
  if (call.call_sentiment) lines.push(`Sentiment: ${String(call.call_sentiment)}`);
  if (typeof call.duration_seconds === 'number')
    lines.push(`Duration: ${Math.floor(call.duration_seconds / 60)}m ${call.duration_seconds % 60}s`);
  if (call.started_at) lines.push(`Started: ${String(call.started_at)}`);
  const appt = call.appointment_booked as Appt | null;
  if (appt) lines.push(`Appointment booked: ${appt.date} ${appt.time} (${appt.timezone})`);
  // Voice platforms' recording links expire (Retell: 10 minutes to 24 hours); a CRM that keeps only the link should say so.
  if (call.recording_url) lines.push(`Recording (the voice platform's link, which expires): ${String(call.recording_url)}`);
  if (call.call_id) lines.push(callMarker(call));
  if (call.call_summary) lines.push('', String(call.call_summary));
  return lines.join('\n');
}
