import { DateTime } from 'luxon';

/** "2 PM" or "2:30 PM": how a time is said. */
export function spokenTime(dt: DateTime): string {
  return dt.minute === 0 ? dt.toFormat('h a') : dt.toFormat('h:mm a');
}

/** "Friday, February 20": how a day is said. */
export function spokenDay(dt: DateTime): string {
  return dt.toFormat('cccc, LLLL d');
}

/** "Friday, February 20 at 2 PM EST": an instant in the caller's zone, as the agent can say it. */
export function spokenWhen(iso: string, zone: string): string {
  const dt = DateTime.fromISO(iso, { setZone: true }).setZone(zone);
  if (!dt.isValid) return iso;
  return `${spokenDay(dt)} at ${spokenTime(dt)} ${dt.toFormat('ZZZZ')}`;
}

/** "9 AM, 10 AM and 2 PM": a list said the way people say lists (at most `max` items, then "and N more"). */
export function spokenList(items: string[], max = 6): string {
  const shown = items.slice(0, max);
  const rest = items.length - shown.length;
  if (rest > 0) return `${shown.join(', ')} and ${rest} more`;
  if (shown.length <= 1) return shown.join('');
  return `${shown.slice(0, -1).join(', ')} and ${shown[shown.length - 1]}`;
}
