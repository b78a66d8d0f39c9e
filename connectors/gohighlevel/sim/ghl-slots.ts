/** Free-slot arithmetic for the GoHighLevel simulator: opening hours minus booked appointments. */

/** Opening hours of one calendar: weekday (0 = Sunday) to `HH:MM-HH:MM` ranges in the calendar's time zone. */
export type OpeningHours = Partial<Record<0 | 1 | 2 | 3 | 4 | 5 | 6, string[]>>;

/** A calendar as the simulator configures it. */
export interface SimCalendar {
  id: string;
  locationId: string;
  name: string;
  timezone: string;
  slotDurationMinutes: number;
  /** Gap between slot starts; defaults to the slot duration. */
  slotIntervalMinutes?: number;
  hours: OpeningHours;
}

/** A booked interval, in epoch milliseconds. */
export interface BusyInterval {
  start: number;
  end: number;
}

const DAY_MS = 86_400_000;

/** The UTC offset of `timeZone` at `instant`, in minutes (e.g. -300 for New York in winter). */
export function zoneOffsetMinutes(timeZone: string, instant: number): number {
  // 'longOffset' renders "GMT-05:00" (or plain "GMT" at zero), which is simpler than diffing parts.
  const part =
    new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' })
      .formatToParts(new Date(instant))
      .find((p) => p.type === 'timeZoneName')?.value ?? 'GMT';
  const m = /GMT([+-])(\d{2}):(\d{2})/.exec(part);
  if (!m) return 0;
  const minutes = Number(m[2]) * 60 + Number(m[3]);
  return m[1] === '-' ? -minutes : minutes;
}

/** True when `timeZone` is an IANA zone name this runtime knows. */
export function isValidTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return true;
  } catch {
    return false;
  }
}

/** Formats an instant as `YYYY-MM-DDTHH:MM:SS±HH:MM` in `timeZone`, the way GHL lists slots. */
export function formatInZone(instant: number, timeZone: string): string {
  const offset = zoneOffsetMinutes(timeZone, instant);
  const local = new Date(instant + offset * 60_000).toISOString().slice(0, 19);
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset);
  const hh = String(Math.floor(abs / 60)).padStart(2, '0');
  const mm = String(abs % 60).padStart(2, '0');
  return `${local}${sign}${hh}:${mm}`;
}

/** The instant of local wall-clock `date` (YYYY-MM-DD) at `minutes` past midnight in `timeZone`. */
function localToInstant(date: string, minutes: number, timeZone: string): number {
  const naive = Date.parse(`${date}T00:00:00Z`) + minutes * 60_000;
  // Two passes settle the offset even on a day when daylight saving time changes.
  let instant = naive - zoneOffsetMinutes(timeZone, naive) * 60_000;
  instant = naive - zoneOffsetMinutes(timeZone, instant) * 60_000;
  return instant;
}

function parseRange(range: string): [number, number] | undefined {
  const m = /^(\d{2}):(\d{2})-(\d{2}):(\d{2})$/.exec(range);
  if (!m) return undefined;
  return [Number(m[1]) * 60 + Number(m[2]), Number(m[3]) * 60 + Number(m[4])];
}

/**
 * Free slots between two instants, grouped by local date in `outputZone`: each opening-hours
 * range is cut into slots that must fit whole inside it, start after `notBefore` and overlap no busy interval.
 */
export function freeSlots(
  cal: SimCalendar,
  startMs: number,
  endMs: number,
  busy: BusyInterval[],
  outputZone: string = cal.timezone,
  notBefore: number = Date.now(),
): Record<string, { slots: string[] }> {
  const duration = cal.slotDurationMinutes * 60_000;
  const step = (cal.slotIntervalMinutes ?? cal.slotDurationMinutes) * 60_000;
  const out: Record<string, { slots: string[] }> = {};
  // Walk calendar-local dates (as strings, so daylight saving time never skips one), padded by a
  // day on both sides; the instant checks below trim the edges.
  const last = formatInZone(endMs + DAY_MS, cal.timezone).slice(0, 10);
  let date = formatInZone(startMs - DAY_MS, cal.timezone).slice(0, 10);
  for (; date <= last; date = new Date(Date.parse(`${date}T00:00:00Z`) + DAY_MS).toISOString().slice(0, 10)) {
    const weekday = new Date(`${date}T00:00:00Z`).getUTCDay() as 0 | 1 | 2 | 3 | 4 | 5 | 6;
    for (const range of cal.hours[weekday] ?? []) {
      const parsed = parseRange(range);
      if (!parsed) continue;
      const open = localToInstant(date, parsed[0], cal.timezone);
      const close = localToInstant(date, parsed[1], cal.timezone);
      for (let s = open; s + duration <= close; s += step) {
        // Like GHL, never offer a slot that has already started.
        if (s < startMs || s > endMs || s < notBefore) continue;
        if (busy.some((b) => s < b.end && s + duration > b.start)) continue;
        const label = formatInZone(s, outputZone);
        const day = label.slice(0, 10);
        const bucket = (out[day] ??= { slots: [] });
        if (!bucket.slots.includes(label)) bucket.slots.push(label);
      }
    }
  }
  for (const day of Object.keys(out)) out[day].slots.sort();
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => a.localeCompare(b)));
}
