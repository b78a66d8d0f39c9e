import { describe, expect, it } from 'vitest';
import { localDayBounds, openSlots } from '../../src/sync/slots.js';

const base = { date: '2030-03-12', timezone: 'America/New_York', startHour: 8, endHour: 18, slotMinutes: 120, busy: [], notBefore: 0 };

describe('openSlots', () => {
  it('cuts business hours into whole slots in the local zone', () => {
    expect(openSlots(base).map((s) => s.start)).toEqual(
      ['08:00', '10:00', '12:00', '14:00', '16:00'].map((t) => `2030-03-12T${t}:00-04:00`),
    );
  });

  it('removes slots that overlap a busy interval (ISO or ms), keeps those that only touch it', () => {
    const busy = [
      { start: '2030-03-12T14:30:00Z', end: '2030-03-12T15:30:00Z' },
      { start: Date.parse('2030-03-12T20:00:00Z'), end: Date.parse('2030-03-12T22:00:00Z') },
    ];
    // 14:30-15:30Z is 10:30-11:30 local (slot 10-12); 20-22Z is exactly 16-18 local.
    expect(openSlots({ ...base, busy }).map((s) => s.start.slice(11, 16))).toEqual(['08:00', '12:00', '14:00']);
  });

  it('never offers a slot that has started, and drops a last slot that would run past closing', () => {
    const notBefore = Date.parse('2030-03-12T13:00:00Z'); // 09:00 local
    expect(openSlots({ ...base, notBefore, endHour: 17 }).map((s) => s.start.slice(11, 16))).toEqual(['10:00', '12:00', '14:00']);
  });

  it('keeps wall-clock hours on the day daylight saving starts', () => {
    const slots = openSlots({ ...base, date: '2030-03-10', slotMinutes: 60, startHour: 1, endHour: 4 });
    expect(slots.map((s) => s.start)).toEqual(['2030-03-10T01:00:00-05:00', '2030-03-10T03:00:00-04:00']);
  });

  it('refuses a bad zone or date', () => {
    expect(() => openSlots({ ...base, timezone: 'Mars/Olympus' })).toThrow(RangeError);
    expect(() => localDayBounds('2030-02-30', 'UTC')).toThrow(RangeError);
  });
});

describe('localDayBounds', () => {
  it('gives the UTC instants of a local day', () => {
    expect(localDayBounds('2030-01-07', 'America/New_York')).toEqual({
      start: '2030-01-07T05:00:00.000Z',
      end: '2030-01-08T04:59:59.999Z',
    });
  });
});
