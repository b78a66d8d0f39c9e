import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { connect, integrationActivity, publicIntegration, testIntegration, updateIntegration, type ConnectInput, type IntegrationDoc, type HubServices } from '@hub/core';
import { AgentParams, ConnectBody, IntegrationParams, UpdateBody } from './schemas.js';

/** Extra fields an OAuth-aware layer may add to an integration answer (e.g. authorize_url). */
export type IntegrationDecorator = (hub: HubServices, doc: IntegrationDoc) => Promise<Record<string, unknown>>;

/** Connection management: connect, list, read, change, disconnect, test. */
export const integrationRoutes: FastifyPluginAsyncTypebox<{ decorate?: IntegrationDecorator }> = async (app, opts) => {
  const view = async (doc: IntegrationDoc, extra: Record<string, unknown> = {}) => publicIntegration(doc, { ...(await opts.decorate?.(app.hub, doc)), ...extra });

  app.post('/api/agents/:agentId/integrations/connect', { schema: { params: AgentParams, body: ConnectBody } }, async (req, reply) => {
    const doc = await connect(app.hub, req.tenantId, req.params.agentId, req.body as ConnectInput);
    return reply.status(201).send(await view(doc));
  });

  app.get('/api/agents/:agentId/integrations', { schema: { params: AgentParams } }, async (req) => {
    const docs = await app.hub.repos.integrations.list(req.tenantId, req.params.agentId);
    return { integrations: await Promise.all(docs.map(async (d) => view(d, await integrationActivity(app.hub, req.tenantId, d)))) };
  });

  app.get('/api/agents/:agentId/integrations/:integrationId', { schema: { params: IntegrationParams } }, async (req) => {
    const doc = await app.hub.repos.integrations.get(req.tenantId, req.params.agentId, req.params.integrationId);
    return view(doc, await integrationActivity(app.hub, req.tenantId, doc));
  });

  app.put('/api/agents/:agentId/integrations/:integrationId', { schema: { params: IntegrationParams, body: UpdateBody } }, async (req) => {
    const doc = await updateIntegration(app.hub, req.tenantId, req.params.agentId, req.params.integrationId, req.body);
    return view(doc);
  });

  app.delete('/api/agents/:agentId/integrations/:integrationId', { schema: { params: IntegrationParams } }, async (req, reply) => {
    await app.hub.repos.integrations.remove(req.tenantId, req.params.agentId, req.params.integrationId);
    return reply.status(204).send();
  });

  app.post('/api/agents/:agentId/integrations/:integrationId/test', { schema: { params: IntegrationParams } }, async (req) => {
    const doc = await app.hub.repos.integrations.get(req.tenantId, req.params.agentId, req.params.integrationId);
    return testIntegration(app.hub, doc);
  });
};
