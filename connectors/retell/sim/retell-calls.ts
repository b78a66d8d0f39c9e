/** The call object of the Retell simulator and the script that decides how a call plays out. */
import { randomBytes } from 'node:crypto';
import type { SignatureMode } from './retell-webhooks.js';

/** `call_analysis` as the spec's CallAnalysis schema shapes it. */
export interface CallAnalysis {
  call_summary?: string;
  in_voicemail?: boolean;
  user_sentiment?: 'Negative' | 'Positive' | 'Neutral' | 'Unknown';
  call_successful?: boolean;
  custom_analysis_data?: Record<string, unknown>;
}

/** One utterance of `transcript_object` (spec schema Utterance). */
export interface Utterance {
  role: 'agent' | 'user';
  content: string;
  words: { word: string; start: number; end: number }[];
}

/** A phone call as the spec's V2PhoneCallResponse shapes it (the fields this simulator fills). */
export interface RetellCall {
  call_type: 'phone_call';
  call_id: string;
  agent_id: string;
  agent_name?: string;
  agent_version: number;
  call_status: 'registered' | 'not_connected' | 'ongoing' | 'ended' | 'error';
  from_number: string;
  to_number: string;
  direction: 'outbound';
  metadata?: Record<string, unknown>;
  retell_llm_dynamic_variables?: Record<string, unknown>;
  start_timestamp?: number;
  end_timestamp?: number;
  duration_ms?: number;
  transcript?: string;
  transcript_object?: Utterance[];
  recording_url?: string;
  disconnection_reason?: string;
  call_analysis?: CallAnalysis;
}

/** How one call plays out; every field is optional and falls back to a plausible default. */
export interface CallScript {
  /** 'ended' plays a connected call; 'not_connected' sends only call_ended (e.g. dial_no_answer). */
  outcome?: 'ended' | 'not_connected';
  transcript?: Utterance[];
  duration_ms?: number;
  disconnection_reason?: string;
  recording_url?: string;
  call_analysis?: CallAnalysis;
  skipAnalyzed?: boolean;
  signature?: SignatureMode;
}

/** A test-provided function that scripts a call from its create request. */
export type CallScripter = (call: RetellCall) => CallScript | undefined;

/** A Retell-looking call id: 32 hex characters. */
export function newCallId(): string {
  return randomBytes(16).toString('hex');
}

function words(text: string, from: number): Utterance['words'] {
  return text
    .split(/\s+/)
    .filter(Boolean)
    .map((word, i) => ({ word, start: from + i * 0.4, end: from + i * 0.4 + 0.35 }));
}

/** The default two-sided conversation, personalised with the `customer_name` dynamic variable. */
export function defaultTranscript(call: RetellCall): Utterance[] {
  const name = String(call.retell_llm_dynamic_variables?.customer_name ?? 'there');
  const lines: [Utterance['role'], string][] = [
    ['agent', `Hi ${name}, this is the assistant calling about your request.`],
    ['user', 'Thanks for calling, I would like to book an appointment.'],
    ['agent', 'Done, you are booked. Anything else?'],
    ['user', 'No, that is all. Bye.'],
  ];
  return lines.map(([role, content], i) => ({ role, content, words: words(content, i * 5) }));
}

/** The plain-text transcript Retell derives from the utterances. */
export function transcriptText(utterances: Utterance[]): string {
  return utterances.map((u) => `${u.role === 'agent' ? 'Agent' : 'User'}: ${u.content}`).join('\n');
}

/**
 * Reads a script from the `sim_script` dynamic variable (an object, or JSON text since Retell
 * dynamic variables are strings), so a hub test can steer a call without touching the simulator.
 */
export function scriptFromVariables(call: RetellCall): CallScript | undefined {
  const raw = call.retell_llm_dynamic_variables?.sim_script;
  if (raw === undefined) return undefined;
  if (typeof raw === 'object' && raw !== null) return raw as CallScript;
  try {
    const parsed: unknown = JSON.parse(String(raw));
    return typeof parsed === 'object' && parsed !== null ? (parsed as CallScript) : undefined;
  } catch {
    return undefined;
  }
}

/** The analysis Retell would add, unless the script supplies its own fields. */
export function defaultAnalysis(call: RetellCall, scripted: CallAnalysis | undefined): CallAnalysis {
  const name = String(call.retell_llm_dynamic_variables?.customer_name ?? 'The customer');
  return {
    call_summary: `${name} asked for an appointment and the agent booked it.`,
    in_voicemail: false,
    user_sentiment: 'Positive',
    call_successful: true,
    custom_analysis_data: {},
    ...scripted,
  };
}

/** The call object without the fields a given event must not carry yet. */
export function callForEvent(call: RetellCall, event: 'call_started' | 'call_ended' | 'call_analyzed'): RetellCall {
  // The store's own `id` is not part of Retell's call object.
  const { id: _id, ...rest } = structuredClone(call) as RetellCall & { id?: string };
  const copy: RetellCall = rest;
  if (event !== 'call_analyzed') delete copy.call_analysis;
  if (event === 'call_started') {
    for (const k of ['end_timestamp', 'duration_ms', 'transcript', 'transcript_object', 'recording_url', 'disconnection_reason'] as const) {
      delete copy[k];
    }
  }
  return copy;
}
