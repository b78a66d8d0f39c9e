import Fastify, {
  LogController,
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  type RouteOptions,
} from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { jsonDepthError, type HubServices } from '@hub/core';
import { errorsPlugin, requestAjv } from './plugins/errors.js';
import { openapiPlugin } from './plugins/openapi.js';
import { hubPlugin } from './plugins/hub.js';
import { tenantAuthPlugin } from './plugins/tenant-auth.js';
import { metaRoutes } from './routes/meta.js';
import { integrationRoutes, type IntegrationDecorator } from './routes/integrations.js';
import { callRoutes } from './routes/calls.js';
import { bulkCallRoutes } from './routes/bulk-calls.js';
import { healthWebhookRoutes } from './routes/health-webhook.js';
import { metricsRoutes } from './routes/metrics.js';
import { mappingRoutes } from './routes/mappings.js';
import { schedulingRoutes } from './routes/scheduling.js';
import { adminRoutes } from './routes/admin.js';
import { agentRoutes } from './routes/agents.js';
import { consoleActionRoutes } from './routes/console-actions.js';
import { dailyStatsRoutes } from './routes/daily-stats.js';
import { securityHeadersPlugin } from './plugins/security-headers.js';
import { consolePlugin } from './plugins/console.js';

/** What buildApp needs: the engine, and optional extension routes (OAuth, outbound). */
export interface AppOptions {
  hub: HubServices;
  /** a pino logger instance shared with the engine; none logs nothing */
  logger?: FastifyBaseLogger;
  /** adds fields to every integration answer (e.g. an OAuth authorize_url) */
  decorateIntegration?: IntegrationDecorator;
  /** enables the admin routes (POST /admin/tenants) */
  adminKey?: string;
  /** when set, GET /metrics needs `Authorization: Bearer <metricsToken>` */
  metricsToken?: string;
  /** sees every route as it is registered (tests check each is documented) */
  onRoute?: (route: RouteOptions) => void;
  /** more route plugins, registered after the core ones */
  plugins?: Array<(app: FastifyInstance) => Promise<void>>;
}

/** Builds the HTTP app. It never listens; main.ts does. */
export async function buildApp(opts: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    ...(opts.logger ? { loggerInstance: opts.logger } : { logger: false }),
    logController: new OneLinePerRequest(),
    bodyLimit: 10 * 1024 * 1024,
    ajv: requestAjv,
  }).withTypeProvider<TypeBoxTypeProvider>();
  if (opts.onRoute) app.addHook('onRoute', opts.onRoute);
  await app.register(errorsPlugin);
  await app.register(securityHeadersPlugin);
  useBoundedJson(app);
  await app.register(openapiPlugin);
  await app.register(hubPlugin, { hub: opts.hub });
  await app.register(tenantAuthPlugin);
  await app.register(metaRoutes);
  await app.register(consolePlugin);
  await app.register(integrationRoutes, { decorate: opts.decorateIntegration });
  await app.register(callRoutes);
  await app.register(bulkCallRoutes);
  await app.register(healthWebhookRoutes);
  await app.register(metricsRoutes, { token: opts.metricsToken });
  await app.register(mappingRoutes);
  // Availability and booking serve every connector that can, OAuth or not: their own plugin, not the OAuth extension's.
  await app.register(schedulingRoutes);
  await app.register(agentRoutes);
  await app.register(consoleActionRoutes);
  await app.register(dailyStatsRoutes);
  if (opts.adminKey) await app.register(adminRoutes, { adminKey: opts.adminKey });
  for (const plugin of opts.plugins ?? []) await app.register(plugin);
  return app;
}

/**
 * Every JSON body is measured before it is parsed: one nested deeper than MAX_JSON_DEPTH is a 400
 * naming the body, so no handler, store or later read ever sees it. The rest is Fastify's own parser
 * (prototype poisoning refused).
 */
function useBoundedJson(app: FastifyInstance): void {
  const parse = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (req, body, done) => {
    const tooDeep = jsonDepthError(body as string);
    if (tooDeep) return done(tooDeep, undefined);
    void parse(req, body as string, done);
  });
}

/**
 * Every answered request is logged once, with what Fastify's own two lines ("incoming request",
 * "request completed") together said: method, url, client, status and time. Each line passes the
 * logger's redaction, so halving them halves that cost on the busiest routes.
 */
class OneLinePerRequest extends LogController {
  override incomingRequest(): void {}

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    if (error) reply.log.error({ req: request, res: reply, err: error, responseTime: reply.elapsedTime }, 'request errored');
    else reply.log.info({ req: request, res: reply, responseTime: reply.elapsedTime }, 'request completed');
  }
}
