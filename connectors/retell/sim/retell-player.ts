/** Plays a created Retell call: started, ended, analyzed, each a signed webhook after a delay. */
import type { Collection } from '@hub/simkit';
import {
  callForEvent,
  defaultAnalysis,
  defaultTranscript,
  scriptFromVariables,
  transcriptText,
  type CallScript,
  type CallScripter,
  type RetellCall,
} from './retell-calls.js';
import { deliverEvent, type DeliveryOptions, type RetellEvent, type SignatureMode, type WebhookDelivery } from './retell-webhooks.js';

/** Milliseconds to wait before each event. */
export interface EventDelays {
  started: number;
  ended: number;
  analyzed: number;
}

/** What the player needs from the simulator; getters, because tests change these while it runs. */
export interface PlayerEnv {
  calls: Collection<RetellCall & Record<string, unknown>>;
  delivery: DeliveryOptions;
  delays: () => EventDelays;
  webhookUrlFor: (agentId: string) => string | undefined;
  scripter: () => CallScripter | undefined;
  signature: () => SignatureMode;
  skipAnalyzed: () => boolean;
  /** Where the simulator serves a call's recording (on itself, so tests stay on loopback). */
  recordingUrl: (callId: string) => string;
  deliveries: WebhookDelivery[];
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** The script of a call: the test's function first, then `sim_script` in the dynamic variables. */
function scriptOf(env: PlayerEnv, call: RetellCall): CallScript {
  return { ...scriptFromVariables(call), ...env.scripter()?.(call) };
}

async function emit(env: PlayerEnv, script: CallScript, event: RetellEvent, call: RetellCall): Promise<void> {
  const url = env.webhookUrlFor(call.agent_id);
  if (url === undefined) return;
  const mode = script.signature ?? env.signature();
  await deliverEvent(env.delivery, url, event, { event, call: callForEvent(call, event) }, mode, env.deliveries);
}

function save(env: PlayerEnv, call: RetellCall): RetellCall {
  return env.calls.update(call.call_id, call as RetellCall & Record<string, unknown>) as RetellCall;
}

/** Runs the whole life of one call; resolves when its last webhook has been delivered (or given up). */
export async function playCall(env: PlayerEnv, callId: string): Promise<void> {
  const initial = env.calls.get(callId);
  if (!initial) return;
  const script = scriptOf(env, initial);
  const delays = env.delays();
  const duration = script.duration_ms ?? 42_000;
  await sleep(delays.started);
  let call: RetellCall = initial;
  if (script.outcome === 'not_connected') {
    // A call nobody answered never starts: Retell reports only its end, with the dial failure.
    call = save(env, { ...call, call_status: 'not_connected', disconnection_reason: script.disconnection_reason ?? 'dial_no_answer' });
    await sleep(delays.ended);
    await emit(env, script, 'call_ended', call);
    return;
  }
  const start = Date.now();
  call = save(env, { ...call, call_status: 'ongoing', start_timestamp: start });
  await emit(env, script, 'call_started', call);
  await sleep(delays.ended);
  const utterances = script.transcript ?? defaultTranscript(call);
  call = save(env, {
    ...call,
    call_status: 'ended',
    end_timestamp: start + duration,
    duration_ms: duration,
    transcript: transcriptText(utterances),
    transcript_object: utterances,
    recording_url: script.recording_url ?? env.recordingUrl(call.call_id),
    disconnection_reason: script.disconnection_reason ?? 'agent_hangup',
  });
  await emit(env, script, 'call_ended', call);
  if (script.skipAnalyzed ?? env.skipAnalyzed()) return;
  await sleep(delays.analyzed);
  call = save(env, { ...call, call_analysis: defaultAnalysis(call, script.call_analysis) });
  await emit(env, script, 'call_analyzed', call);
}
