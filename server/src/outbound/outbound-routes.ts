import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import {
  createOutboundWebhook,
  createVoiceWebhook,
  isHubError,
  voiceWebhookTools,
  outboundCallView,
  outboundCallViews,
  publicVoiceWebhook,
  publicWebhook,
  OUTBOUND_STATES,
  triggerCall,
  type OutboundService,
} from '@hub/core';
import { AgentParams, NoContent, StringEnum, errors } from '../routes/schemas.js';
import { OutboundCallView, VoiceWebhookView, WebhookView } from '../routes/responses.js';

const IdParams = Type.Object(
  { agentId: AgentParams.properties.agentId, id: Type.String({ minLength: 1, maxLength: 200 }) },
  { additionalProperties: false },
);
const NewWebhook = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    integration_id: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'the CRM integration results go back to' })),
    voice_integration_id: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 200,
        description: 'the integration that places calls (Retell); optional when the agent has one',
      }),
    ),
    rate_limit: Type.Optional(
      Type.Object(
        { requests: Type.Integer({ minimum: 1, maximum: 10_000 }), per_seconds: Type.Integer({ minimum: 1, maximum: 86_400 }) },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);
// The trigger body is checked by the service (phone as E.164, any text or number field passed to the
// voice agent), so its schema documents the fields without validating them a second time.
const TriggerBody = Type.Object(
  {
    phone: Type.Optional(Type.Unknown({ description: 'the number to call, E.164 (+14155550123; spaces and dashes tolerated)' })),
    contact_name: Type.Optional(Type.Unknown({ description: 'who is called' })),
    contact_id: Type.Optional(Type.Unknown({ description: 'the CRM contact the result lands on' })),
    contact_data: Type.Optional(
      Type.Unknown({ description: 'object: passed to the voice agent as dynamic variables (GoHighLevel customData works too)' }),
    ),
    callback_url: Type.Optional(Type.Unknown({ description: 'https URL the hub POSTs the signed result to once the call is synced' })),
  },
  { additionalProperties: true, description: 'any other top-level text or number field also reaches the voice agent' },
);
const CallsQuery = Type.Object(
  {
    state: Type.Optional(StringEnum(OUTBOUND_STATES, 'only calls in this state')),
    limit: Type.Optional(Type.String({ pattern: '^(?:[1-9]\\d?|100)$', description: '1 to 100, default 50' })),
  },
  { additionalProperties: false },
);
const NewVoiceWebhook = Type.Object({ integration_id: Type.String({ minLength: 1, maxLength: 200 }) }, { additionalProperties: false });

const ToolsSchema = {
  tags: ['voice'],
  summary: "A voice webhook's mid-call tools",
  description:
    "The webhook's mid-call tools as Retell custom-tool definitions (name, description, url, method, parameters, speak_during_execution), ready to paste or to send with Retell's API (cancel_appointment and reschedule_appointment only when the calendar can do them), and the calendar they act on",
  params: IdParams,
  response: {
    200: Type.Object({
      tools: Type.Array(
        Type.Object(
          {
            type: Type.Literal('custom'),
            name: Type.String(),
            description: Type.String(),
            url: Type.String(),
            method: Type.Literal('POST'),
          },
          { additionalProperties: true },
        ),
      ),
      calendar: Type.Union([Type.Object({}, { additionalProperties: true }), Type.Null()]),
    }),
    ...errors(400, 401, 404),
  },
};

/** Trigger webhooks (management and the public trigger), outbound call status, voice hooks. */
export const outboundRoutes: FastifyPluginAsyncTypebox<{ out: OutboundService }> = async (app, { out }) => {
  app.post(
    '/api/agents/:agentId/outbound/webhooks',
    {
      schema: {
        tags: ['outbound'],
        summary: 'Create a trigger webhook',
        description:
          'A URL and secret a CRM workflow posts to to place an outbound call, bound to the CRM integration results go back to. The secret and signing secret are in this answer only.',
        params: AgentParams,
        body: NewWebhook,
        response: { 201: WebhookView(true), ...errors(400, 401) },
      },
    },
    async (req, reply) => reply.status(201).send(await createOutboundWebhook(out, req.tenantId, req.params.agentId, req.body)),
  );
  app.get(
    '/api/agents/:agentId/outbound/webhooks',
    {
      schema: {
        tags: ['outbound'],
        summary: 'List trigger webhooks',
        description: "The agent's trigger webhooks, without their secrets.",
        params: AgentParams,
        response: { 200: Type.Object({ webhooks: Type.Array(WebhookView(false)) }), ...errors(400, 401) },
      },
    },
    async (req) => ({ webhooks: (await out.webhooks.listWebhooks(req.tenantId, req.params.agentId)).map((d) => publicWebhook(out, d)) }),
  );
  app.delete(
    '/api/agents/:agentId/outbound/webhooks/:id',
    {
      schema: {
        tags: ['outbound'],
        summary: 'Delete a trigger webhook',
        description: 'Deletes the webhook, which revokes its secret.',
        params: IdParams,
        response: { 204: NoContent, ...errors(400, 401, 404) },
      },
    },
    async (req, reply) => {
      await out.webhooks.removeWebhook(req.tenantId, req.params.agentId, req.params.id);
      return reply.status(204).send();
    },
  );

  // Public: the CRM proves itself with X-Webhook-Secret, checked in constant time by the service.
  app.post(
    '/api/agents/:agentId/outbound/call',
    {
      config: { public: true },
      schema: {
        tags: ['outbound'],
        summary: 'Trigger an outbound call',
        description:
          "What a CRM workflow posts to: places a call through the voice provider. Authenticated with X-Webhook-Secret, no API key. Repeated deliveries place no second call (Idempotency-Key, else the same content within 10 minutes): they answer the first outbound_call_id with duplicate true. Over the webhook's rate limit: 429 with Retry-After.",
        security: [{ webhookSecret: [] }],
        params: AgentParams,
        body: TriggerBody,
        response: {
          202: Type.Object({ outbound_call_id: Type.String(), state: Type.String(), duplicate: Type.Boolean() }),
          ...errors(400, 401, 429),
        },
      },
    },
    async (req, reply) => {
      const header = (name: string) => {
        const v = req.headers[name];
        return Array.isArray(v) ? v[0] : v;
      };
      try {
        const { call, created } = await triggerCall(
          out,
          req.params.agentId,
          header('x-webhook-secret'),
          req.body,
          header('idempotency-key'),
        );
        return reply.status(202).send({ outbound_call_id: call._id, state: call.state, duplicate: !created });
      } catch (err) {
        if (isHubError(err) && err.code === 'HUB_ERR_RATE_LIMITED')
          reply.header('retry-after', String(Math.max(1, Math.ceil((err.retryAfterMs ?? 1000) / 1000))));
        throw err;
      }
    },
  );

  app.get(
    '/api/agents/:agentId/outbound/calls',
    {
      schema: {
        tags: ['outbound'],
        summary: "List an agent's outbound calls",
        description:
          "The agent's outbound calls, newest first, each with its state (queued → dialing → in_progress → ended → analyzed → synced, or failed), the provider's call id, its sync jobs and history; optionally only one state.",
        params: AgentParams,
        querystring: CallsQuery,
        response: { 200: Type.Object({ calls: Type.Array(OutboundCallView) }), ...errors(400, 401) },
      },
    },
    async (req) => {
      const limit = req.query.limit ? Number(req.query.limit) : 50;
      const docs = await out.calls.list(req.tenantId, req.params.agentId, { state: req.query.state, limit });
      return { calls: await outboundCallViews(out, docs) };
    },
  );

  app.get(
    '/api/agents/:agentId/outbound/calls/:id',
    {
      schema: {
        tags: ['outbound'],
        summary: 'An outbound call',
        description:
          "An outbound call's state (queued → dialing → in_progress → ended → analyzed → synced, or failed), the provider's call id, its sync jobs, callback delivery and history.",
        params: IdParams,
        response: { 200: OutboundCallView, ...errors(400, 401, 404) },
      },
    },
    async (req) => outboundCallView(out, await out.calls.get(req.tenantId, req.params.agentId, req.params.id)),
  );

  app.post(
    '/api/agents/:agentId/voice-webhooks',
    {
      schema: {
        tags: ['voice'],
        summary: 'Create a voice webhook URL',
        description:
          "The per-tenant URL to paste into the voice provider's (Retell's) webhook setting; its events are verified with the named integration's key.",
        params: AgentParams,
        body: NewVoiceWebhook,
        response: { 201: VoiceWebhookView, ...errors(400, 401) },
      },
    },
    async (req, reply) => reply.status(201).send(await createVoiceWebhook(out, req.tenantId, req.params.agentId, req.body.integration_id)),
  );
  app.get(
    '/api/agents/:agentId/voice-webhooks',
    {
      schema: {
        tags: ['voice'],
        summary: 'List voice webhook URLs',
        description: "The agent's voice webhook URLs.",
        params: AgentParams,
        response: { 200: Type.Object({ webhooks: Type.Array(VoiceWebhookView) }), ...errors(400, 401) },
      },
    },
    async (req) => ({
      webhooks: (await out.webhooks.listVoiceWebhooks(req.tenantId, req.params.agentId)).map((d) => publicVoiceWebhook(out, d)),
    }),
  );
  app.get('/api/agents/:agentId/voice-webhooks/:id/tools', { schema: ToolsSchema }, async (req) =>
    voiceWebhookTools(out, req.tenantId, req.params.agentId, req.params.id),
  );
  app.delete(
    '/api/agents/:agentId/voice-webhooks/:id',
    {
      schema: {
        tags: ['voice'],
        summary: 'Delete a voice webhook URL',
        description: "Deletes the URL; the provider's events to it are refused from then on.",
        params: IdParams,
        response: { 204: NoContent, ...errors(400, 401, 404) },
      },
    },
    async (req, reply) => {
      await out.webhooks.removeVoiceWebhook(req.tenantId, req.params.agentId, req.params.id);
      return reply.status(204).send();
    },
  );
};
