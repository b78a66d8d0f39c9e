import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  connect,
  integrationActivity,
  publicIntegration,
  testIntegration,
  updateIntegration,
  type ConnectInput,
  type IntegrationDoc,
  type HubServices,
} from '@hub/core';
import { Type } from '@sinclair/typebox';
import { AgentParams, ConnectBody, IntegrationParams, NoContent, UpdateBody, errors } from './schemas.js';
import { IntegrationView, TestAnswer } from './responses.js';

const tags = ['integrations'];

/** Extra fields an OAuth-aware layer may add to an integration answer (e.g. authorize_url). */
export type IntegrationDecorator = (hub: HubServices, doc: IntegrationDoc) => Promise<Record<string, unknown>>;

/** Connection management: connect, list, read, change, disconnect, test. */
export const integrationRoutes: FastifyPluginAsyncTypebox<{ decorate?: IntegrationDecorator }> = async (app, opts) => {
  const view = async (doc: IntegrationDoc, extra: Record<string, unknown> = {}) =>
    publicIntegration(doc, { ...(await opts.decorate?.(app.hub, doc)), ...extra });

  app.post(
    '/api/agents/:agentId/integrations/connect',
    {
      schema: {
        tags,
        summary: 'Connect a CRM',
        description:
          "Connects a CRM (or the voice provider) to the agent: the original spec's body, credentials at the top level or in auth_data, config checked against the connector's schema. OAuth connectors answer pending_authorization with an authorize_url to send the browser to.",
        params: AgentParams,
        body: ConnectBody,
        response: { 201: IntegrationView, ...errors(400, 401) },
      },
    },
    async (req, reply) => {
      const doc = await connect(app.hub, req.tenantId, req.params.agentId, req.body as ConnectInput);
      return reply.status(201).send(await view(doc));
    },
  );

  app.get(
    '/api/agents/:agentId/integrations',
    {
      schema: {
        tags,
        summary: "List an agent's integrations",
        description: 'Every integration of the agent with its status and sync counts; never a credential.',
        params: AgentParams,
        response: { 200: Type.Object({ integrations: Type.Array(IntegrationView) }, { additionalProperties: true }), ...errors(400, 401) },
      },
    },
    async (req) => {
      const docs = await app.hub.repos.integrations.list(req.tenantId, req.params.agentId);
      return { integrations: await Promise.all(docs.map(async (d) => view(d, await integrationActivity(app.hub, req.tenantId, d)))) };
    },
  );

  app.get(
    '/api/agents/:agentId/integrations/:integrationId',
    {
      schema: {
        tags,
        summary: 'Read an integration',
        description:
          'One integration with its status and sync counts; an OAuth one waiting for authorization carries a fresh authorize_url.',
        params: IntegrationParams,
        response: { 200: IntegrationView, ...errors(400, 401, 404) },
      },
    },
    async (req) => {
      const doc = await app.hub.repos.integrations.get(req.tenantId, req.params.agentId, req.params.integrationId);
      return view(doc, await integrationActivity(app.hub, req.tenantId, doc));
    },
  );

  app.put(
    '/api/agents/:agentId/integrations/:integrationId',
    {
      schema: {
        tags,
        summary: 'Change an integration',
        description:
          'Changes name, config (merged into the stored one: an option set to null is removed, then the whole is re-validated), credentials (replaced only when given), mappings, sync conditions, or enables/disables it.',
        params: IntegrationParams,
        body: UpdateBody,
        response: { 200: IntegrationView, ...errors(400, 401, 404, 409) },
      },
    },
    async (req) => {
      const doc = await updateIntegration(app.hub, req.tenantId, req.params.agentId, req.params.integrationId, req.body);
      return view(doc);
    },
  );

  app.delete(
    '/api/agents/:agentId/integrations/:integrationId',
    {
      schema: {
        tags,
        summary: 'Disconnect an integration',
        description: 'Removes the integration and its stored credentials; its calls and sync logs stay.',
        params: IntegrationParams,
        response: { 204: NoContent, ...errors(400, 401, 404) },
      },
    },
    async (req, reply) => {
      await app.hub.repos.integrations.remove(req.tenantId, req.params.agentId, req.params.integrationId);
      return reply.status(204).send();
    },
  );

  app.post(
    '/api/agents/:agentId/integrations/:integrationId/test',
    {
      schema: {
        tags,
        summary: 'Test an integration',
        description:
          "Runs the connector's connection test with sample data (Zapier: a call_completed payload) and answers whether it worked, what the CRM said and the redacted requests. A CRM refusing the credentials marks the integration needs_reauth.",
        params: IntegrationParams,
        response: { 200: TestAnswer, ...errors(400, 401, 404, 409, 502) },
      },
    },
    async (req) => {
      const doc = await app.hub.repos.integrations.get(req.tenantId, req.params.agentId, req.params.integrationId);
      return testIntegration(app.hub, doc);
    },
  );
};
