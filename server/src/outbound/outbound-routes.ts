import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import {
  createOutboundWebhook, createVoiceHook, isHubError, voiceHookTools, outboundCallView, publicVoiceHook, publicWebhook, triggerCall, type OutboundService,
} from '@hub/core';
import { AgentParams } from '../routes/schemas.js';

const IdParams = Type.Object({ agentId: AgentParams.properties.agentId, id: Type.String({ minLength: 1, maxLength: 200 }) }, { additionalProperties: false });
const NewWebhook = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    integration_id: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'the CRM integration results go back to' })),
    voice_integration_id: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'the integration that places calls (Retell); optional when the agent has one' })),
    rate_limit: Type.Optional(Type.Object({ requests: Type.Integer({ minimum: 1, maximum: 10_000 }), per_seconds: Type.Integer({ minimum: 1, maximum: 86_400 }) }, { additionalProperties: false })),
  },
  { additionalProperties: false },
);
const NewVoiceHook = Type.Object({ integration_id: Type.String({ minLength: 1, maxLength: 200 }) }, { additionalProperties: false });

const ToolsSchema = {
  description: "The hook's mid-call tools as Retell custom-tool definitions (name, description, url, method, parameters, speak_during_execution), ready to paste or to send with Retell's API, and the calendar they act on",
  params: IdParams,
  response: {
    200: Type.Object({
      tools: Type.Array(Type.Object({ type: Type.Literal('custom'), name: Type.String(), description: Type.String(), url: Type.String(), method: Type.Literal('POST') }, { additionalProperties: true })),
      calendar: Type.Union([Type.Object({}, { additionalProperties: true }), Type.Null()]),
    }),
  },
};

/** Trigger webhooks (management and the public trigger), outbound call status, voice hooks. */
export const outboundRoutes: FastifyPluginAsyncTypebox<{ out: OutboundService }> = async (app, { out }) => {
  app.post('/api/agents/:agentId/outbound/webhooks', { schema: { params: AgentParams, body: NewWebhook } }, async (req, reply) =>
    reply.status(201).send(await createOutboundWebhook(out, req.tenantId, req.params.agentId, req.body)),
  );
  app.get('/api/agents/:agentId/outbound/webhooks', { schema: { params: AgentParams } }, async (req) => ({
    webhooks: (await out.hooks.listWebhooks(req.tenantId, req.params.agentId)).map((d) => publicWebhook(out, d)),
  }));
  app.delete('/api/agents/:agentId/outbound/webhooks/:id', { schema: { params: IdParams } }, async (req, reply) => {
    await out.hooks.removeWebhook(req.tenantId, req.params.agentId, req.params.id);
    return reply.status(204).send();
  });

  // Public: the CRM proves itself with X-Webhook-Secret, checked in constant time by the service.
  app.post('/api/agents/:agentId/outbound/call', { config: { public: true }, schema: { params: AgentParams } }, async (req, reply) => {
    const header = (name: string) => {
      const v = req.headers[name];
      return Array.isArray(v) ? v[0] : v;
    };
    try {
      const { call, created } = await triggerCall(out, req.params.agentId, header('x-webhook-secret'), req.body, header('idempotency-key'));
      return reply.status(202).send({ outbound_call_id: call._id, state: call.state, duplicate: !created });
    } catch (err) {
      if (isHubError(err) && err.code === 'HUB_ERR_RATE_LIMITED') reply.header('retry-after', String(Math.max(1, Math.ceil((err.retryAfterMs ?? 1000) / 1000))));
      throw err;
    }
  });

  app.get('/api/agents/:agentId/outbound/calls/:id', { schema: { params: IdParams } }, async (req) =>
    outboundCallView(out, await out.calls.get(req.tenantId, req.params.agentId, req.params.id)),
  );

  app.post('/api/agents/:agentId/voice-webhooks', { schema: { params: AgentParams, body: NewVoiceHook } }, async (req, reply) =>
    reply.status(201).send(await createVoiceHook(out, req.tenantId, req.params.agentId, req.body.integration_id)),
  );
  app.get('/api/agents/:agentId/voice-webhooks', { schema: { params: AgentParams } }, async (req) => ({
    webhooks: (await out.hooks.listVoiceHooks(req.tenantId, req.params.agentId)).map((d) => publicVoiceHook(out, d)),
  }));
  app.get('/api/agents/:agentId/voice-webhooks/:id/tools', { schema: ToolsSchema }, async (req) => voiceHookTools(out, req.tenantId, req.params.agentId, req.params.id));
  app.delete('/api/agents/:agentId/voice-webhooks/:id', { schema: { params: IdParams } }, async (req, reply) => {
    await out.hooks.removeVoiceHook(req.tenantId, req.params.agentId, req.params.id);
    return reply.status(204).send();
  });
};
