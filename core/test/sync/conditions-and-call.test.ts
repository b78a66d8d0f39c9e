import { describe, expect, it } from 'vitest';
import { checkConditions } from '../../src/sync/conditions.js';
import { normalizeCall } from '../../src/sync/call-data.js';
import { toE164 } from '../../src/sync/phone.js';
import { nextDelay } from '../../src/queue/backoff.js';
import { callNote, callResult, hasCallMarker } from '../../src/mapping/functions.js';

const call = normalizeCall({ call_id: 'c', call_outcome: 'appointment_booked', duration_seconds: 90, customer_email: 'a@b.co' }, 'ag');

describe("sync conditions (the original spec's shape)", () => {
  it.each([
    [undefined, true],
    [{ call_outcome: ['appointment_booked', 'qualified_lead'] }, true],
    [{ call_outcome: ['qualified_lead'] }, false],
    [{ min_duration_seconds: 60 }, true],
    [{ min_duration_seconds: 120 }, false],
    [{ when: 'call.customer_email ~> /@b\\.co$/' }, true],
    [{ when: 'call.duration_seconds > 100' }, false],
    [{ call_outcome: ['appointment_booked'], min_duration_seconds: 60, when: 'true' }, true],
  ])('%j → %s', async (conditions, expected) => {
    const r = await checkConditions(call, conditions);
    expect(r.sync).toBe(expected);
    expect(r.reason).toBeTruthy();
  });
});

describe('CallData', () => {
  it('fills every standard field, keeps custom fields, derives duration and defaults the appointment length', () => {
    const c = normalizeCall(
      {
        call_id: 'x',
        started_at: '2026-02-15T14:30:00Z',
        ended_at: '2026-02-15T14:35:00Z',
        appointment_booked: { date: '2026-02-20', time: '14:00', timezone: 'America/New_York' },
        service: 'roof',
      },
      'agent_9',
    );
    expect(c.agent_id).toBe('agent_9');
    expect(c.duration_seconds).toBe(300);
    expect(c.transcript).toBeNull();
    expect(c.appointment_booked).toMatchObject({ durationMinutes: 60 });
    expect(c.service).toBe('roof');
    expect(Object.keys(c).slice(0, 3)).toEqual(['call_id', 'agent_id', 'customer_name']);
  });
  it('normalises phones to E.164', () => {
    expect(toE164('(407) 978-0655')).toBe('+14079780655');
    expect(toE164('+44 20 7946 0958')).toBe('+442079460958');
    expect(toE164('12')).toBeUndefined();
  });
  it('writes the standard call note', () => {
    const text = callNote({
      call_outcome: 'message_taken',
      duration_seconds: 125,
      recording_url: 'https://r/1.mp3',
      call_summary: 'Call back',
    });
    expect(text).toContain('Outcome: message_taken');
    expect(text).toContain('Duration: 2m 5s');
    expect(text).toContain("Recording (the voice platform's link, which expires): https://r/1.mp3");
    expect(text.endsWith('Call back')).toBe(true);
  });
  it('marks the note with the call id, and finds the marker of that call only', () => {
    const text = callNote({ call_id: 'call_1', call_summary: 'Call back' });
    expect(text).toContain('\nCall ID: call_1\n');
    expect(hasCallMarker(text.replace(/\n/g, '<br>'), { call_id: 'call_1' })).toBe(true);
    expect(hasCallMarker(text, { call_id: 'call' })).toBe(false);
    expect(hasCallMarker(callNote({ call_id: 'call_12' }), { call_id: 'call_1' })).toBe(false);
    expect(hasCallMarker(null, { call_id: 'call_1' })).toBe(false);
  });
});

describe('backoff', () => {
  const policy = { baseMs: 1000, capMs: 10_000, maxAttempts: 5 };
  it('grows exponentially with jitter inside [exp/2, exp], capped', () => {
    expect(nextDelay(1, policy, undefined, () => 0)).toBe(500);
    expect(nextDelay(1, policy, undefined, () => 1)).toBe(1000);
    expect(nextDelay(3, policy, undefined, () => 1)).toBe(4000);
    expect(nextDelay(10, policy, undefined, () => 1)).toBe(10_000);
  });
  it('Retry-After wins', () => {
    expect(nextDelay(1, policy, 7000, () => 1)).toBe(7000);
  });

  it('callResult reads the disconnection reason, voicemail flag and status; an unknown reason is a call that happened', () => {
    expect(callResult({ disconnection_reason: 'dial_no_answer' })).toBe('no_answer');
    expect(callResult({ disconnection_reason: 'dial_busy' })).toBe('busy');
    expect(callResult({ disconnection_reason: 'error_llm_websocket_lost_connection' })).toBe('failed');
    expect(callResult({ call_status: 'not_connected' })).toBe('failed');
    expect(callResult({ disconnection_reason: 'user_hangup', in_voicemail: true })).toBe('voicemail');
    expect(callResult({ disconnection_reason: 'agent_hangup' })).toBe('completed');
    expect(callResult({})).toBe('completed');
    expect(callNote({ call_id: 'c1', direction: 'outbound', disconnection_reason: 'dial_busy' })).toContain(
      'Result: line busy (dial_busy)',
    );
  });
});
