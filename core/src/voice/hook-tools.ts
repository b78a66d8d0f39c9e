import { notFound } from '../errors/hub-error.js';
import type { OutboundService } from '../outbound/outbound-service.js';
import { publicVoiceHook } from '../outbound/webhooks.js';
import { chooseCalendar } from './calendar.js';
import { retellToolDefinitions, type RetellCustomTool } from './tool-definitions.js';

/** `GET …/voice-webhooks/:id/tools`: the tool definitions for the hook's URL, and which calendar they will act on. */
export async function voiceHookTools(out: OutboundService, tenantId: string, agentId: string, hookId: string): Promise<{ tools: RetellCustomTool[]; calendar: Record<string, unknown> | null }> {
  const hook = (await out.hooks.listVoiceHooks(tenantId, agentId)).find((h) => h._id === hookId);
  if (!hook) throw notFound('voice webhook', hookId);
  const voice = await out.hub.repos.integrations.byId(hook.integrationId);
  const choice = voice ? await chooseCalendar(out.hub, voice) : undefined;
  const calendar = choice?.ok ? { integration_id: choice.doc._id, type: choice.doc.type } : choice ? { integration_id: null, error: choice.problem.error, detail: choice.problem.detail ?? null } : null;
  return { tools: retellToolDefinitions(String(publicVoiceHook(out, hook).url)), calendar };
}
