import { notFound } from '../errors/hub-error.js';
import type { OutboundService } from '../outbound/outbound-service.js';
import { publicVoiceWebhook } from '../outbound/webhooks.js';
import { canChange, chooseCalendar } from './calendar.js';
import { CHANGE_TOOLS, retellToolDefinitions, TOOL_SPECS, type RetellCustomTool } from './tool-definitions.js';

/** `GET …/voice-webhooks/:id/tools`: the tool definitions for the webhook's URL, and which calendar they will act on. */
export async function voiceWebhookTools(
  out: OutboundService,
  tenantId: string,
  agentId: string,
  voiceWebhookId: string,
): Promise<{ tools: RetellCustomTool[]; calendar: Record<string, unknown> | null }> {
  const webhook = (await out.webhooks.listVoiceWebhooks(tenantId, agentId)).find((h) => h._id === voiceWebhookId);
  if (!webhook) throw notFound('voice webhook', voiceWebhookId);
  const voice = await out.hub.repos.integrations.byId(webhook.integrationId);
  const choice = voice ? await chooseCalendar(out.hub, voice) : undefined;
  const calendar = choice?.ok
    ? { integration_id: choice.doc._id, type: choice.doc.type }
    : choice
      ? { integration_id: null, error: choice.problem.error, detail: choice.problem.detail ?? null }
      : null;
  // Cancel and reschedule are offered only where the chosen calendar can do them.
  const names = Object.keys(TOOL_SPECS).filter((n) => !CHANGE_TOOLS[n] || (choice?.ok && canChange(out.hub, choice.doc, CHANGE_TOOLS[n])));
  return { tools: retellToolDefinitions(String(publicVoiceWebhook(out, webhook).url), names), calendar };
}
