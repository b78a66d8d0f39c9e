import { DateTime, IANAZone } from 'luxon';

/** A tool argument the agent can be told about: a code for the platform and a sentence for the caller. */
export interface ToolProblem {
  error: string;
  result: string;
  /** what went wrong, for the tenant's logs and the platform, not to be read aloud */
  detail?: string;
}

/** Either the parsed value or what was wrong with the arguments. */
export type Parsed<T> = { ok: true; value: T } | { ok: false; problem: ToolProblem };

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const LOCAL = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(:\d{2}(\.\d+)?)?)(Z|[+-]\d{2}:?\d{2})?$/;

const fail = (error: string, result: string): { ok: false; problem: ToolProblem } => ({ ok: false, problem: { error, result } });

/** A string argument, trimmed; undefined when absent or empty. */
export function text(args: Record<string, unknown>, name: string): string | undefined {
  const v = args[name];
  if (typeof v === 'number') return String(v);
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;
}

/** The IANA zone the agent named ("America/New_York"); abbreviations and made-up names are refused. */
export function zoneArg(args: Record<string, unknown>): Parsed<string> {
  const zone = text(args, 'timezone');
  if (!zone) return fail('missing_timezone', 'I need the time zone to check the calendar. Which time zone are you in?');
  // IANAZone also knows a few legacy abbreviations (EST); a real IANA name has a slash or is UTC.
  if (!IANAZone.isValidZone(zone) || !(zone.includes('/') || zone === 'UTC')) {
    return fail('invalid_timezone', `I don't recognise the time zone "${zone}". Which city or time zone are you in?`);
  }
  return { ok: true, value: zone };
}

/** A calendar day (YYYY-MM-DD) in a zone that has not ended yet. */
export function dayArg(raw: string | undefined, zone: string, now = Date.now()): Parsed<DateTime> {
  if (!raw) return fail('missing_date', 'Which day would you like?');
  if (!DAY.test(raw)) return fail('invalid_date', `I couldn't read the date "${raw}". Which day did you mean?`);
  const day = DateTime.fromISO(raw, { zone });
  if (!day.isValid) return fail('invalid_date', `${raw} is not a date on the calendar. Which day did you mean?`);
  if (day.endOf('day').toMillis() < now) return fail('date_in_past', 'That day has already passed. Which day would you like instead?');
  return { ok: true, value: day };
}

/**
 * A local time as Retell's calendar tools send it ("2026-02-20T14:00:00", no offset) in the given
 * zone; a time with an offset is converted into the zone. Refuses dates that do not exist and
 * times already past.
 */
export function timeArg(raw: string | undefined, zone: string, name: string, now = Date.now()): Parsed<DateTime> {
  if (!raw) return fail(`missing_${name}`, 'What time would you like?');
  const m = LOCAL.exec(raw);
  if (!m) return fail('invalid_time', `I couldn't read the time "${raw}". What day and time did you mean?`);
  const dt = m[5] ? DateTime.fromISO(raw.replace(' ', 'T'), { zone }) : DateTime.fromISO(`${m[1]}T${m[2]}`, { zone });
  if (!dt.isValid || !DateTime.fromISO(m[1]).isValid)
    return fail('invalid_date', `${m[1]} is not a date on the calendar. Which day did you mean?`);
  if (dt.toMillis() < now) return fail('time_in_past', 'That time has already passed. What later time would suit you?');
  return { ok: true, value: dt };
}

/** A positive whole number of minutes, within a day; the fallback when absent. */
export function minutesArg(args: Record<string, unknown>, name: string, fallback: number): Parsed<number> {
  const v = args[name];
  if (v === undefined || v === null || v === '') return { ok: true, value: fallback };
  const n = typeof v === 'string' ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 5 || n > 1440)
    return fail('invalid_duration', 'How long should the appointment be, in minutes?');
  return { ok: true, value: n };
}
