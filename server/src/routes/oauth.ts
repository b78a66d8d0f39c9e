import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { isHubError, OAuthService, type IntegrationDoc } from '@hub/core';
import { errors } from './schemas.js';

const CallbackParams = Type.Object(
  { type: Type.String({ minLength: 1, maxLength: 100, pattern: '^[a-z0-9-]+$' }) },
  { additionalProperties: false },
);
// Providers add their own parameters (Google: scope, authuser, prompt), so unknown ones are allowed but must be strings.
const CallbackQuery = Type.Object(
  {
    code: Type.Optional(Type.String({ maxLength: 4096 })),
    state: Type.Optional(Type.String({ maxLength: 512 })),
    error: Type.Optional(Type.String({ maxLength: 200 })),
    error_description: Type.Optional(Type.String({ maxLength: 2000 })),
  },
  { additionalProperties: Type.String() },
);

/**
 * `GET /api/integrations/:type/callback`: public (the provider's redirect carries no API key; the
 * single-use state is the proof). Success redirects to HUB_OAUTH_SUCCESS_URL, else a browser to the console (JSON clients get JSON);
 * failures answer 400 with what went wrong and never a secret.
 */
export const oauthRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const service = new OAuthService(app.hub);

  // The query carries the authorization code and the state: the access log must not see it, so
  // this route logs at warn and says what happened itself, without the query.
  app.get(
    '/api/integrations/:type/callback',
    {
      config: { public: true },
      logLevel: 'warn',
      schema: {
        tags: ['oauth'],
        summary: 'OAuth callback',
        description:
          "Where the provider sends the browser after consent (register HUB_PUBLIC_URL/api/integrations/<type>/callback). The single-use state is the proof, no API key. Success redirects to HUB_OAUTH_SUCCESS_URL, else to the console's agent page; with Accept: application/json it answers JSON, and failures are a small HTML page or, for JSON, the error shape.",
        security: [{ oauthState: [] }],
        params: CallbackParams,
        querystring: CallbackQuery,
        response: {
          200: Type.Object(
            { status: Type.String(), integration_id: Type.String(), agent_id: Type.String(), type: Type.String(), message: Type.String() },
            { description: 'connected (Accept: application/json)' },
          ),
          302: Type.Null({
            description:
              'connected: to HUB_OAUTH_SUCCESS_URL (?integration_id&type&status) or /ui/#/agents/<agentId>?connected=<integrationId>',
          }),
          ...errors(400, 502),
        },
      },
    },
    async (req, reply) => {
      let doc: IntegrationDoc;
      try {
        doc = await service.complete(req.params.type, req.query);
      } catch (err) {
        if (!isHubError(err)) throw err;
        req.log.warn({ code: err.code, type: req.params.type }, 'OAuth callback refused');
        const status = err.code === 'HUB_ERR_CRM_TRANSIENT' ? 502 : err.statusCode >= 500 ? err.statusCode : 400;
        return answer(req, reply, status, {
          statusCode: status,
          code: err.code,
          error: status === 400 ? 'Bad Request' : 'Bad Gateway',
          message: err.message,
          ...(err.field ? { field: err.field } : {}),
        });
      }
      app.log.info({ type: doc.type, integrationId: doc._id }, 'OAuth callback: integration connected');
      const success = app.hub.settings.oauthSuccessUrl;
      if (success) {
        const to = new URL(success);
        to.searchParams.set('integration_id', doc._id);
        to.searchParams.set('type', doc.type);
        to.searchParams.set('status', doc.status);
        return reply.redirect(to.toString(), 302);
      }
      // A browser goes back to the console, on the agent's page, which reads `connected`; API clients get JSON.
      if (!wantsJson(req)) return reply.redirect(consoleUrl(doc), 302);
      return answer(req, reply, 200, {
        status: doc.status,
        integration_id: doc._id,
        agent_id: doc.agentId,
        type: doc.type,
        message: `${doc.name ?? doc.type} is connected. You can close this window.`,
      });
    },
  );
};

/** Where a browser lands after connecting when HUB_OAUTH_SUCCESS_URL is unset: the console's agent page. */
function consoleUrl(doc: Pick<IntegrationDoc, '_id' | 'agentId'>): string {
  return `/ui/#/agents/${encodeURIComponent(doc.agentId)}?connected=${encodeURIComponent(doc._id)}`;
}

function wantsJson(req: FastifyRequest): boolean {
  return /application\/json/.test(req.headers.accept ?? '');
}

function answer(req: FastifyRequest, reply: FastifyReply, status: number, body: Record<string, unknown>): FastifyReply {
  if (wantsJson(req)) return reply.status(status).send(body);
  const title = status === 200 ? 'Connected' : 'Connection failed';
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title></head><body style="font-family:system-ui;max-width:40em;margin:4em auto"><h1>${title}</h1><p>${escapeHtml(String(body.message ?? ''))}</p></body></html>`;
  return reply.status(status).type('text/html; charset=utf-8').header('cache-control', 'no-store').send(html);
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}
