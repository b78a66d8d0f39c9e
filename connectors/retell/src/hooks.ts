/**
 * Hooks the engine calls for a voice connector's inbound call events: `verifyEvent` checks the
 * provider's signature on the raw body, `readEvent` turns the payload into CallData. They are plain
 * functions of their input; the engine context is not needed.
 */
import { readRetellEvent, retellInboundAnswer, type ReadEvent } from './events.js';
import { verifyRetellSignature } from './signature.js';

/** What the engine passes to `verifyEvent`. */
interface VerifyInput {
  rawBody: string;
  headers: Record<string, string | string[] | undefined>;
  credentials: Record<string, unknown>;
  now: number;
}

/** Checks `x-retell-signature`, keyed with the connection's Retell API key. */
export async function verifyEvent(_ctx: unknown, input: unknown): Promise<{ ok: boolean; reason?: string }> {
  const { rawBody, headers, credentials, now } = input as VerifyInput;
  const header = headers['x-retell-signature'];
  const key = credentials.api_key;
  if (typeof key !== 'string' || key === '') return { ok: false, reason: 'the Retell integration has no api_key' };
  const verdict = verifyRetellSignature(rawBody, Array.isArray(header) ? header[0] : header, key, now);
  return verdict.ok ? { ok: true } : { ok: false, reason: `x-retell-signature ${verdict.reason}` };
}

/** Reads a parsed webhook payload into the engine's event shape. */
export async function readEvent(_ctx: unknown, input: unknown): Promise<ReadEvent> {
  return readRetellEvent((input as { body: unknown }).body);
}

/** Shapes the inbound webhook's answer the way Retell reads it: `{call_inbound: {dynamic_variables, metadata}}`. */
export async function answerInbound(_ctx: unknown, input: unknown): Promise<Record<string, unknown>> {
  const { variables, metadata } = input as { variables: Record<string, string>; metadata: Record<string, unknown> };
  return retellInboundAnswer(variables, metadata);
}
