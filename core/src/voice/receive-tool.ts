import { notFound } from '../errors/hub-error.js';
import type { OutboundService } from '../outbound/outbound-service.js';
import { verifyVoiceRequest } from '../outbound/voice-events.js';
import { runTool, TOOL_HANDLERS, type ToolAnswer } from './tools.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * A mid-call tool request at `<voice webhook url>/tools/<name>`: signature checked exactly like the
 * webhook's events (nothing runs for a bad one), then the tool. The body is `{name, args, call}`, or
 * the arguments alone when the tool is set to send them at the root.
 */
export async function receiveVoiceTool(
  out: OutboundService,
  type: string,
  voiceWebhookId: string,
  name: string,
  rawBody: string,
  headers: Record<string, string | string[] | undefined>,
): Promise<ToolAnswer> {
  const { integration, body } = await verifyVoiceRequest(out, type, voiceWebhookId, rawBody, headers);
  if (!Object.hasOwn(TOOL_HANDLERS, name)) throw notFound('tool', name);
  const obj = isObj(body) ? body : {};
  const nested = isObj(obj.args) && (typeof obj.name === 'string' || isObj(obj.call));
  const args = nested ? (obj.args as Obj) : Object.fromEntries(Object.entries(obj).filter(([k]) => k !== 'call' && k !== 'name'));
  return runTool(name, { hub: out.hub, voice: integration, args, call: isObj(obj.call) ? obj.call : {}, now: Date.now() });
}
