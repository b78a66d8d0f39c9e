import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import Fastify, { type RouteOptions } from 'fastify';
import { responseAudit } from '../../test/helpers/response-audit.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSettings } from '../src/settings.js';
import { createHub, createLogger, type RunningHub } from '../src/runtime.js';
import { extensions } from '../src/extensions.js';

// The app exactly as main.ts builds it (every extension, the admin route on), with every route
// seen as it is registered: whoever adds a route must document it.
let running: RunningHub;
let dataDir: string;
const routes: RouteOptions[] = [];

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'hub-openapi-'));
  const settings = loadSettings({
    HUB_DATA_DIR: dataDir,
    HUB_SECRET_KEY: randomBytes(32).toString('base64'),
    HUB_ADMIN_KEY: 'adm_0123456789abcdefghijklmnop',
    HUB_WORKER: '0',
    LOG_LEVEL: 'silent',
  });
  running = await createHub(settings, { ...extensions(settings), onRoute: (r) => void routes.push(r) }, createLogger('silent'));
  await running.app.ready();
});
afterAll(async () => {
  await running?.close();
  await rm(dataDir, { recursive: true, force: true });
});

const HOW_TO =
  'Give it schema.description (one sentence: what it does and for whom), schema.tags, and schema.response with the success answer ' +
  '(open-ended objects need additionalProperties: true, or serialization drops their fields) and its 4xx answers as ErrorBody ' +
  '(`...errors(400, 401, 404)` from server/src/routes/schemas.ts). A route that authenticates otherwise (config.public) names ' +
  'schema.security (see SECURITY_SCHEMES in server/src/plugins/openapi.ts). A route that is not part of the API (static files, ' +
  'redirects) sets schema.hide: true.';

function problemsOf(r: RouteOptions): string[] {
  const schema = (r.schema ?? {}) as Record<string, any>;
  if (schema.hide) return [];
  const problems: string[] = [];
  if (typeof schema.description !== 'string' || schema.description.trim().length < 10) problems.push('no description');
  if (!Array.isArray(schema.tags) || !schema.tags.length) problems.push('no tags');
  const statuses = Object.keys(schema.response ?? {});
  if (!statuses.some((s) => /^[23]/.test(s))) problems.push('no success response schema');
  const isApi = /^\/(api|admin|webhooks)\//.test(r.url);
  if (isApi && !statuses.some((s) => s.startsWith('4'))) problems.push('no 4xx response schema (the error shape)');
  for (const s of statuses.filter((x) => x.startsWith('4'))) {
    if (!schema.response[s]?.properties?.field || !schema.response[s]?.properties?.code)
      problems.push(`response ${s} is not the error shape {statusCode, code, error, message, field}`);
  }
  if ((r.config as { public?: boolean } | undefined)?.public && !Array.isArray(schema.security))
    problems.push('public route without schema.security');
  return problems;
}

describe('every route is documented', () => {
  it('has a description, tags, a success and an error response schema, and its auth', () => {
    const api = routes.filter((r) => r.method !== 'HEAD');
    expect(api.length).toBeGreaterThan(30);
    const missing = api.flatMap((r) => problemsOf(r).map((p) => `${[r.method].flat().join(',')} ${r.url}: ${p}`));
    expect(missing, `${HOW_TO}\n`).toEqual([]);
  });

  it('the check itself catches an undocumented route', () => {
    expect(problemsOf({ method: 'GET', url: '/api/x', handler: async () => ({}) } as RouteOptions)).toEqual([
      'no description',
      'no tags',
      'no success response schema',
      'no 4xx response schema (the error shape)',
    ]);
    expect(
      problemsOf({
        method: 'POST',
        url: '/api/x',
        config: { public: true },
        schema: { description: 'does a thing', tags: ['x'], response: { 200: {}, 400: {} } },
        handler: async () => ({}),
      } as RouteOptions),
    ).toEqual(['response 400 is not the error shape {statusCode, code, error, message, field}', 'public route without schema.security']);
  });
});

describe('GET /openapi.json', () => {
  it('is OpenAPI 3.1 with every route, its auth and the error shape', async () => {
    const res = await running.app.inject({ method: 'GET', url: '/openapi.json' });
    expect(res.statusCode).toBe(200);
    const doc = res.json();
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.components.securitySchemes).sort()).toEqual([
      'adminKey',
      'metricsToken',
      'oauthState',
      'retellSignature',
      'tenantKey',
      'webhookSecret',
    ]);
    expect(doc.security).toEqual([{ tenantKey: [] }]);
    const documented = routes.filter((r) => r.method !== 'HEAD' && !(r.schema as { hide?: boolean } | undefined)?.hide);
    for (const r of documented) {
      const path = r.url.replace(/:(\w+)/g, '{$1}');
      for (const m of [r.method].flat()) expect(doc.paths[path]?.[m.toLowerCase()], `${m} ${path}`).toBeDefined();
    }
    const trigger = doc.paths['/api/agents/{agentId}/outbound/call'].post;
    expect(trigger.security).toEqual([{ webhookSecret: [] }]);
    expect(doc.paths['/webhooks/{type}/{voiceWebhookId}'].post.security).toEqual([{ retellSignature: [] }]);
    expect(doc.paths['/admin/tenants'].post.security).toEqual([{ adminKey: [] }]);
    expect(doc.paths['/health'].get.security).toEqual([]);
    const connect = doc.paths['/api/agents/{agentId}/integrations/connect'].post;
    expect(connect.responses['400'].content['application/json'].schema.properties).toHaveProperty('field');
    expect(connect.requestBody.content['application/json'].schema.properties).toHaveProperty('type');
    expect(JSON.stringify(doc)).not.toMatch(/hub_sk_[A-Za-z0-9]{8}/);
  });
});

describe('/docs', () => {
  it('serves Swagger UI from local files, pointing at this API', async () => {
    const page = await running.app.inject({ method: 'GET', url: '/docs/' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    const scripts = [...page.body.matchAll(/<(?:script|link)[^>]+(?:src|href)="([^"]+)"/g)].map((m) => m[1]);
    expect(scripts.length).toBeGreaterThan(0);
    for (const s of scripts) expect(s, 'docs assets must be served by the hub, not a CDN').not.toMatch(/^(https?:)?\/\//);
    const bundle = await running.app.inject({ method: 'GET', url: '/docs/static/swagger-ui-bundle.js' });
    expect(bundle.statusCode).toBe(200);
    expect(bundle.body.length).toBeGreaterThan(100_000);
    const init = await running.app.inject({ method: 'GET', url: '/docs/static/swagger-initializer.js' });
    expect(init.statusCode).toBe(200);
    const spec = await running.app.inject({ method: 'GET', url: '/docs/json' });
    expect(spec.json().openapi).toBe('3.1.0');
  });
});

describe('the response audit used by the e2e suites', () => {
  it('names a route whose schema drops a field or turns null into ""', async () => {
    const audit = responseAudit();
    const app = Fastify();
    app.addHook('onRoute', audit.onRoute);
    const schema = { response: { 200: { type: 'object', properties: { id: { type: 'string' }, name: { type: 'string' } } } } };
    app.get('/closed', { schema }, async () => ({ id: 'a', name: 'n', extra: 1 }));
    app.get('/null', { schema }, async () => ({ id: 'a', name: null }));
    app.get('/fine', { schema }, async () => ({ id: 'a', name: 'n' }));
    for (const url of ['/closed', '/null', '/fine']) await app.inject({ method: 'GET', url });
    await app.close();
    expect(audit.checked).toBe(3);
    expect(audit.problems).toHaveLength(2);
    expect(audit.problems[0]).toMatch(/^GET \/closed 200: the handler answered .*"extra":1/);
    expect(audit.problems[1]).toMatch(/^GET \/null 200: .*"name":""/);
  });
});
