import { describe, expect, it } from 'vitest';
import { appointmentFrom, readRetellEvent, retellInboundAnswer } from '../src/index.js';

const base = {
  call_type: 'phone_call',
  call_id: 'abc123',
  agent_id: 'agent_1',
  agent_version: 1,
  call_status: 'ended',
  from_number: '+14155550000',
  to_number: '+14155550123',
  direction: 'outbound',
  metadata: { hub_outbound_call_id: 'obc_1' },
  retell_llm_dynamic_variables: { customer_name: 'Grace Hopper' },
  start_timestamp: 1_760_000_000_000,
  end_timestamp: 1_760_000_042_000,
  duration_ms: 42_000,
  transcript: 'Agent: Hi\nUser: Hello',
  recording_url: 'https://example.com/r.wav',
  disconnection_reason: 'agent_hangup',
};

describe('Retell events as CallData', () => {
  it('reads call_analyzed: summary, sentiment, transcript, recording, outcome and appointment from custom_analysis_data', () => {
    const ev = readRetellEvent({
      event: 'call_analyzed',
      call: {
        ...base,
        call_analysis: {
          call_summary: 'Booked.',
          user_sentiment: 'Positive',
          call_successful: true,
          in_voicemail: false,
          custom_analysis_data: {
            appointment_booked: { date: '2026-03-02', time: '14:00', timezone: 'America/New_York', durationMinutes: 30 },
            customer_email: 'grace@example.com',
          },
        },
      },
    });
    expect(ev).toMatchObject({ kind: 'analyzed', providerCallId: 'abc123', connected: true, metadata: { hub_outbound_call_id: 'obc_1' } });
    expect(ev.call).toMatchObject({
      call_id: 'abc123',
      customer_name: 'Grace Hopper',
      customer_phone: '+14155550123',
      customer_email: 'grace@example.com',
      call_outcome: 'appointment_booked',
      call_summary: 'Booked.',
      call_sentiment: 'positive',
      transcript: 'Agent: Hi\nUser: Hello',
      recording_url: 'https://example.com/r.wav',
      started_at: '2025-10-09T08:53:20.000Z',
      ended_at: '2025-10-09T08:54:02.000Z',
      duration_seconds: 42,
      appointment_booked: { date: '2026-03-02', time: '14:00', timezone: 'America/New_York', durationMinutes: 30 },
      direction: 'outbound',
    });
  });

  it('takes an explicit call_outcome, the caller on inbound calls, and no sentiment for Unknown', () => {
    const ev = readRetellEvent({
      event: 'call_analyzed',
      call: {
        ...base,
        direction: 'inbound',
        from_number: '+14079780655',
        call_analysis: { user_sentiment: 'Unknown', custom_analysis_data: { call_outcome: 'message_taken' } },
      },
    });
    expect(ev.call).toMatchObject({
      customer_phone: '+14079780655',
      call_outcome: 'message_taken',
      call_sentiment: null,
      appointment_booked: null,
    });
  });

  it('reads call_ended without analysis, and an unanswered call as not connected', () => {
    expect(readRetellEvent({ event: 'call_ended', call: base })).toMatchObject({
      kind: 'ended',
      connected: true,
      call: { call_summary: null, call_outcome: null },
    });
    const missed = readRetellEvent({
      event: 'call_ended',
      call: {
        call_id: 'x',
        call_status: 'not_connected',
        disconnection_reason: 'dial_no_answer',
        to_number: '+14155550123',
        direction: 'outbound',
      },
    });
    expect(missed).toMatchObject({
      kind: 'ended',
      connected: false,
      call: { call_outcome: 'not_connected', disconnection_reason: 'dial_no_answer', started_at: null },
    });
    expect(readRetellEvent({ event: 'transcript_updated', call: base }).kind).toBe('other');
  });

  it('names what is missing', () => {
    expect(() => readRetellEvent({ call: base })).toThrow(/event/);
    expect(() => readRetellEvent({ event: 'call_ended', call: {} })).toThrow(/call\.call_id/);
    expect(() => readRetellEvent('nope')).toThrow();
  });

  it('accepts flat appointment fields and drops appointments that are not valid', () => {
    expect(appointmentFrom({ appointment_date: '2026-03-02', appointment_time: '09:30', appointment_timezone: 'Europe/Paris' })).toEqual({
      date: '2026-03-02',
      time: '09:30',
      timezone: 'Europe/Paris',
    });
    expect(
      appointmentFrom({ appointment_date: 'next Monday', appointment_time: '09:30', appointment_timezone: 'Europe/Paris' }),
    ).toBeNull();
    expect(appointmentFrom({ appointment_date: '2026-03-02', appointment_time: '09:30' })).toBeNull();
    expect(appointmentFrom({})).toBeNull();
  });

  it('reads the inbound webhook (no call id yet): the caller as customer_phone', () => {
    const ev = readRetellEvent({
      event: 'call_inbound',
      call_inbound: { agent_id: 'agent_1', from_number: '+14155550123', to_number: '+14155550000' },
    });
    expect(ev).toMatchObject({
      kind: 'inbound',
      providerCallId: '',
      call: { customer_phone: '+14155550123', to_number: '+14155550000', direction: 'inbound' },
    });
    expect(() => readRetellEvent({ event: 'call_inbound', call_inbound: {} })).toThrow('call_inbound.from_number');
    expect(retellInboundAnswer({ customer_known: 'false' }, { a: 1 })).toEqual({
      call_inbound: { dynamic_variables: { customer_known: 'false' }, metadata: { a: 1 } },
    });
  });
});
