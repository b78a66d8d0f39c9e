import { DateTime } from 'luxon';

/** A busy interval: ISO strings or epoch milliseconds. */
export interface BusyInterval {
  start: string | number;
  end: string | number;
}

/** A free slot, as ISO times with the day's own UTC offset. */
export interface OpenSlot {
  start: string;
  end: string;
}

/** What openSlots() needs: one local day, its working hours, the slot length and what is already taken. */
export interface OpenSlotsInput {
  /** YYYY-MM-DD in `timezone` */
  date: string;
  /** IANA time zone */
  timezone: string;
  /** first hour a slot may start (0-23) */
  startHour: number;
  /** hour by which every slot must have ended (1-24) */
  endHour: number;
  slotMinutes: number;
  busy: BusyInterval[];
  /** no slot starting before this instant (epoch ms); default now */
  notBefore?: number;
}

const ms = (v: string | number): number => (typeof v === 'number' ? v : DateTime.fromISO(v, { zone: 'utc' }).toMillis());

/** The UTC instants bounding one local day, as ISO strings (for "what is scheduled that day" queries). */
export function localDayBounds(date: string, timezone: string): { start: string; end: string } {
  const day = DateTime.fromISO(date, { zone: timezone }).startOf('day');
  if (!day.isValid) throw new RangeError(`invalid date "${date}" or time zone "${timezone}"`);
  return { start: day.toUTC().toISO()!, end: day.endOf('day').toUTC().toISO()! };
}

/**
 * Free slots of one local day: working hours cut into back-to-back slots, minus every slot that
 * overlaps a busy interval or has already started. Pure, so CRMs without a free-slots API can
 * compute availability from what they list as scheduled.
 */
export function openSlots(o: OpenSlotsInput): OpenSlot[] {
  const day = DateTime.fromISO(o.date, { zone: o.timezone }).startOf('day');
  if (!day.isValid) throw new RangeError(`invalid date "${o.date}" or time zone "${o.timezone}"`);
  if (!(o.slotMinutes > 0)) throw new RangeError('slotMinutes must be positive');
  const busy = o.busy
    .map((b) => ({ start: ms(b.start), end: ms(b.end) }))
    .filter((b) => Number.isFinite(b.start) && Number.isFinite(b.end));
  const at = (hour: number) => (hour >= 24 ? day.plus({ days: 1 }) : day.set({ hour }));
  const close = at(o.endHour);
  const notBefore = o.notBefore ?? Date.now();
  const out: OpenSlot[] = [];
  // Opening and closing are wall-clock hours (set, not added), so they hold on daylight saving days.
  for (let s = at(o.startHour); s.plus({ minutes: o.slotMinutes }) <= close; s = s.plus({ minutes: o.slotMinutes })) {
    const e = s.plus({ minutes: o.slotMinutes });
    if (s.toMillis() < notBefore) continue;
    if (busy.some((b) => s.toMillis() < b.end && e.toMillis() > b.start)) continue;
    out.push({ start: s.toISO({ suppressMilliseconds: true })!, end: e.toISO({ suppressMilliseconds: true })! });
  }
  return out;
}
