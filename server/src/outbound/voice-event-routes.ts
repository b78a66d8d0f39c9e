import type { FastifyPluginAsync } from 'fastify';
import { receiveVoiceEvent, receiveVoiceTool, type OutboundService } from '@hub/core';
import { errors } from '../routes/schemas.js';

const VoiceWebhookParams = {
  type: 'object',
  properties: { type: { type: 'string', pattern: '^[a-z0-9-]+$' }, voiceWebhookId: { type: 'string', minLength: 1, maxLength: 200 } },
  required: ['type', 'voiceWebhookId'],
} as const;
const ToolParams = {
  ...VoiceWebhookParams,
  properties: { ...VoiceWebhookParams.properties, name: { type: 'string', minLength: 1, maxLength: 64 } },
  required: ['type', 'voiceWebhookId', 'name'],
} as const;
const ToolAnswer = {
  type: 'object',
  description:
    'result: a sentence the agent can say; error: set when the request could not be done (bad arguments, no calendar, the CRM failing); the rest is data',
  properties: { result: { type: 'string' }, error: { type: 'string' } },
  required: ['result'],
  additionalProperties: true,
} as const;

const EventSchema = {
  tags: ['voice'],
  summary: "The voice provider's call events",
  security: [{ retellSignature: [] }],
  description:
    "The voice provider's call events (after the call: sync) and inbound webhook (call_inbound: the caller's dynamic variables), signed with x-retell-signature",
  params: VoiceWebhookParams,
  response: {
    200: { type: 'object', description: 'what the event did, or the inbound answer', additionalProperties: true },
    ...errors(400, 401, 404),
  },
};
const ToolSchema = {
  tags: ['voice'],
  summary: 'A mid-call tool',
  security: [{ retellSignature: [] }],
  description:
    "A mid-call custom function (check_availability, book_appointment, find_customer; cancel_appointment and reschedule_appointment where the calendar allows), signed like the webhook's events; body {name, args, call} or the args at the root",
  params: ToolParams,
  response: { 200: ToolAnswer, ...errors(400, 401, 404) },
};

/**
 * `POST /webhooks/:type/:voiceWebhookId`, the URL a tenant pastes into its voice provider (Retell), and its
 * mid-call tools under `…/tools/:name`. The signature covers the body byte for byte, so in this
 * plugin (and only here: Fastify encapsulates content-type parsers) JSON is kept as the raw string
 * and parsed after verification.
 */
export const voiceEventRoutes: FastifyPluginAsync<{ out: OutboundService }> = async (app, { out }) => {
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string', bodyLimit: 5 * 1024 * 1024 }, (_req, body, done) => done(null, body));
  app.post<{ Params: { type: string; voiceWebhookId: string }; Body: string }>(
    '/webhooks/:type/:voiceWebhookId',
    { config: { public: true }, schema: EventSchema },
    async (req) =>
      receiveVoiceEvent(out, req.params.type, req.params.voiceWebhookId, typeof req.body === 'string' ? req.body : '', req.headers),
  );
  app.post<{ Params: { type: string; voiceWebhookId: string; name: string }; Body: string }>(
    '/webhooks/:type/:voiceWebhookId/tools/:name',
    { config: { public: true }, schema: ToolSchema },
    async (req) =>
      receiveVoiceTool(
        out,
        req.params.type,
        req.params.voiceWebhookId,
        req.params.name,
        typeof req.body === 'string' ? req.body : '',
        req.headers,
      ),
  );
};
