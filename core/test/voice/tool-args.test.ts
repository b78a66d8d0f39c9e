import { describe, expect, it } from 'vitest';
import { DateTime } from 'luxon';
import { dayArg, minutesArg, spokenList, spokenWhen, timeArg, zoneArg } from '../../src/index.js';

const NOW = Date.parse('2026-02-15T12:00:00Z');

describe('voice tool arguments', () => {
  it('time zones: IANA names only', () => {
    expect(zoneArg({ timezone: 'America/New_York' })).toEqual({ ok: true, value: 'America/New_York' });
    expect(zoneArg({ timezone: 'UTC' })).toMatchObject({ ok: true });
    for (const tz of ['EST', 'Eastern', 'Mars/Olympus', '']) expect(zoneArg({ timezone: tz })).toMatchObject({ ok: false });
    expect(zoneArg({})).toMatchObject({ ok: false, problem: { error: 'missing_timezone' } });
  });

  it('days: a calendar date that has not ended in the zone', () => {
    expect(dayArg('2026-02-30', 'UTC', NOW)).toMatchObject({ ok: false, problem: { error: 'invalid_date' } });
    expect(dayArg('02/20/2026', 'UTC', NOW)).toMatchObject({ ok: false, problem: { error: 'invalid_date' } });
    expect(dayArg('2026-02-14', 'UTC', NOW)).toMatchObject({ ok: false, problem: { error: 'date_in_past' } });
    // 2026-02-15 is today in New York at noon UTC: still bookable.
    expect(dayArg('2026-02-15', 'America/New_York', NOW)).toMatchObject({ ok: true });
  });

  it('times: local without offset in the zone, offsets converted, past refused', () => {
    const t = timeArg('2026-02-20T14:00:00', 'America/New_York', 'start_time', NOW);
    expect(t.ok && t.value.toUTC().toISO()).toBe('2026-02-20T19:00:00.000Z');
    const o = timeArg('2026-02-20T19:00:00Z', 'America/New_York', 'start_time', NOW);
    expect(o.ok && o.value.toFormat('HH:mm')).toBe('14:00');
    expect(timeArg('2026-02-20 14:00', 'UTC', 'start_time', NOW)).toMatchObject({ ok: true });
    expect(timeArg('2026-02-29T10:00:00', 'UTC', 'start_time', NOW)).toMatchObject({ ok: false, problem: { error: 'invalid_date' } });
    expect(timeArg('2026-02-15T06:00:00', 'America/New_York', 'start_time', NOW)).toMatchObject({
      ok: false,
      problem: { error: 'time_in_past' },
    });
    expect(timeArg('tomorrow at 3', 'UTC', 'start_time', NOW)).toMatchObject({ ok: false, problem: { error: 'invalid_time' } });
  });

  it('durations: whole minutes within a day, else the fallback', () => {
    expect(minutesArg({}, 'duration_minutes', 45)).toEqual({ ok: true, value: 45 });
    expect(minutesArg({ duration_minutes: '30' }, 'duration_minutes', 45)).toEqual({ ok: true, value: 30 });
    expect(minutesArg({ duration_minutes: 2.5 }, 'duration_minutes', 45)).toMatchObject({ ok: false });
  });

  it('says times and lists the way people do', () => {
    expect(spokenWhen('2026-02-20T19:30:00Z', 'America/New_York')).toBe('Friday, February 20 at 2:30 PM EST');
    expect(spokenList(['9 AM', '10 AM', '2 PM'])).toBe('9 AM, 10 AM and 2 PM');
    expect(spokenList(['a', 'b', 'c'], 2)).toBe('a, b and 1 more');
    expect(DateTime.fromISO('2026-07-01T12:00:00', { zone: 'America/New_York' }).offset).toBe(-240);
  });
});
