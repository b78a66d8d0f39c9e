import { DateTime } from 'luxon';
import type { HubServices } from '../services.js';
import { checkAvailability } from '../hub/scheduling-service.js';
import type { IntegrationDoc } from '../store/repos/documents.js';
import { spokenDay, spokenList, spokenTime } from './speak.js';

/** A free slot as the tools answer it: start (and end when the calendar says), in the caller's zone. */
export interface FreeSlot {
  start: string;
  end: string | null;
}

/** Slots as each connector lists them (ISO strings, or `{start, end}`), made one shape. */
function readSlots(raw: unknown): FreeSlot[] {
  const list = Array.isArray(raw) ? raw : [];
  return list.flatMap((s): FreeSlot[] => {
    if (typeof s === 'string') return [{ start: s, end: null }];
    if (s && typeof s === 'object' && typeof (s as FreeSlot).start === 'string')
      return [{ start: (s as FreeSlot).start, end: typeof (s as FreeSlot).end === 'string' ? (s as FreeSlot).end : null }];
    return [];
  });
}

/**
 * Free slots from `from` to `to` (at most a week of days), through the scheduling service's
 * availability for each local day, as instants in the caller's zone, none already begun.
 */
export async function freeSlots(
  hub: HubServices,
  doc: IntegrationDoc,
  zone: string,
  from: DateTime,
  to: DateTime,
  now = Date.now(),
): Promise<FreeSlot[]> {
  const days: string[] = [];
  for (let d = from.setZone(zone).startOf('day'); d < to && days.length < 7; d = d.plus({ days: 1 })) days.push(d.toISODate()!);
  const answers = await Promise.all(days.map((date) => checkAvailability(hub, doc, { date, timezone: zone })));
  const lower = Math.max(from.toMillis(), now);
  return answers
    .flatMap((a) => readSlots(a.slots))
    .filter((s) => {
      const at = DateTime.fromISO(s.start, { setZone: true }).toMillis();
      return at >= lower && at < to.toMillis();
    })
    .map((s) => ({
      start: DateTime.fromISO(s.start, { setZone: true }).setZone(zone).toISO({ suppressMilliseconds: true })!,
      end: s.end ? DateTime.fromISO(s.end, { setZone: true }).setZone(zone).toISO({ suppressMilliseconds: true })! : null,
    }));
}

/** "On Friday, February 20 I have 9 AM, 10 AM and 2 PM open (EST)." or that nothing is open. */
export function sayFreeSlots(slots: FreeSlot[], zone: string, from: DateTime, to: DateTime): string {
  if (slots.length === 0) {
    const span = to.diff(from, 'days').days <= 1 ? `on ${spokenDay(from.setZone(zone))}` : 'in that time';
    return `I have nothing open ${span}. Would another day work?`;
  }
  const byDay = new Map<string, string[]>();
  let abbr = '';
  for (const s of slots) {
    const dt = DateTime.fromISO(s.start, { setZone: true }).setZone(zone);
    abbr = dt.toFormat('ZZZZ');
    const key = spokenDay(dt);
    byDay.set(key, [...(byDay.get(key) ?? []), spokenTime(dt)]);
  }
  const parts = [...byDay].slice(0, 3).map(([day, times]) => `on ${day} I have ${spokenList(times)}`);
  const s = parts.join('; ');
  return `${s.charAt(0).toUpperCase()}${s.slice(1)} open (${abbr}). Which time would you like?`;
}
