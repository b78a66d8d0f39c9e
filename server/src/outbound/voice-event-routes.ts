import type { FastifyPluginAsync } from 'fastify';
import { receiveVoiceEvent, type OutboundService } from '@hub/core';

/**
 * `POST /webhooks/:type/:hookId`, the URL a tenant pastes into its voice provider (Retell). The
 * signature covers the body byte for byte, so in this plugin (and only here: Fastify encapsulates
 * content-type parsers) JSON is kept as the raw string and parsed after verification.
 */
export const voiceEventRoutes: FastifyPluginAsync<{ out: OutboundService }> = async (app, { out }) => {
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string', bodyLimit: 5 * 1024 * 1024 }, (_req, body, done) => done(null, body));
  app.post<{ Params: { type: string; hookId: string }; Body: string }>(
    '/webhooks/:type/:hookId',
    { config: { public: true } },
    async (req) => receiveVoiceEvent(out, req.params.type, req.params.hookId, typeof req.body === 'string' ? req.body : '', req.headers),
  );
};
