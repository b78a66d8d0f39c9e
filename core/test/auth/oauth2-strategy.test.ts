import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { OAuth2Spec } from '@hub/manifests';
import { openEmbeddedEngine } from '@hub/store';
import type { StoreEngine } from '../../src/store/types.js';
import { Keyring } from '../../src/security/crypto.js';
import { IntegrationRepo } from '../../src/store/repos/integrations.js';
import { LockRepo } from '../../src/store/repos/locks.js';
import type { IntegrationDoc } from '../../src/store/repos/documents.js';
import { RepoCredentialStore } from '../../src/auth/oauth2/credential-store.js';
import { oauth2Strategies } from '../../src/auth/oauth2/strategy.js';
import type { AuthContext, AuthStrategy, Credentials } from '../../src/auth/types.js';
import { isHubError } from '../../src/errors/hub-error.js';

const TOKEN_HOST = 'https://auth.crm.test';
const spec: OAuth2Spec = {
  type: 'oauth2',
  authorizeUrl: `${TOKEN_HOST}/authorize`,
  tokenUrl: `${TOKEN_HOST}/oauth/token`,
  scopes: ['crm'],
  clientAuth: 'body',
  keepTokenFields: ['instance_url'],
};
const apps = { ACME_CRM: { clientId: 'cid', clientSecret: 'csecret' } };

let dir: string;
let engine: StoreEngine;
let integrations: IntegrationRepo;
let store: RepoCredentialStore;
let clock: number;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'oauth2-'));
  engine = await openEmbeddedEngine({ dir });
  integrations = new IntegrationRepo(engine.collection<IntegrationDoc>('integrations'), new Keyring([Buffer.alloc(32, 7)]));
  store = new RepoCredentialStore(integrations, new LockRepo(engine.collection('locks')));
  clock = 1_000_000_000_000;
});
afterEach(async () => {
  await engine.close();
  await rm(dir, { recursive: true, force: true });
});

async function connection(credentials: Credentials): Promise<IntegrationDoc> {
  return integrations.create({
    tenantId: 't1',
    agentId: 'a1',
    type: 'acme-crm',
    status: 'connected',
    config: {},
    fieldMappings: {},
    mappings: {},
    account: { region: 'eu' },
    credentials,
  });
}
function strategy(marginMs = 60_000): AuthStrategy {
  return oauth2Strategies({ store, apps, marginMs, now: () => clock })(spec, 'acme-crm');
}
async function ctxFor(doc: IntegrationDoc): Promise<AuthContext> {
  return { connectionId: doc._id, credentials: await store.load(doc._id) };
}
async function bearer(s: AuthStrategy, ctx: AuthContext): Promise<string | undefined> {
  const req = { method: 'GET', url: new URL('https://api.crm.test/x'), headers: {} as Record<string, string> };
  await s.apply(req, ctx);
  return req.headers.authorization;
}
const refreshBody = (rt: string) => (body: Record<string, string>) =>
  body.grant_type === 'refresh_token' && body.refresh_token === rt && body.client_id === 'cid' && body.client_secret === 'csecret';

describe('OAuth2 strategy', () => {
  it('uses the stored token while it is outside the refresh margin', async () => {
    const doc = await connection({ access_token: 'at1', refresh_token: 'rt1', expires_at: clock + 61_000 });
    expect(await bearer(strategy(), await ctxFor(doc))).toBe('Bearer at1');
  });

  it('refreshes inside the margin, with client credentials in the body, and saves the rotated refresh token first', async () => {
    const doc = await connection({ access_token: 'at1', refresh_token: 'rt1', expires_at: clock + 59_000 });
    nock(TOKEN_HOST)
      .post('/oauth/token', refreshBody('rt1'))
      .reply(200, { access_token: 'at2', refresh_token: 'rt2', expires_in: 1800, instance_url: 'https://eu1.crm.test' });
    const ctx = await ctxFor(doc);
    expect(await bearer(strategy(), ctx)).toBe('Bearer at2');
    const saved = await integrations.byId(doc._id);
    expect(integrations.credentials(saved!)).toMatchObject({ access_token: 'at2', refresh_token: 'rt2', expires_at: clock + 1_800_000 });
    expect(saved!.account).toEqual({ region: 'eu', instance_url: 'https://eu1.crm.test' });
    expect(JSON.stringify(saved)).not.toContain('rt2');
    expect(ctx.credentials.refresh_token).toBe('rt2');
  });

  it('keeps the old refresh token when the provider does not rotate it', async () => {
    const doc = await connection({ access_token: 'at1', refresh_token: 'rt1' });
    nock(TOKEN_HOST).post('/oauth/token', refreshBody('rt1')).reply(200, { access_token: 'at2' });
    const ctx = await ctxFor(doc);
    await strategy().refresh!(ctx);
    expect(ctx.credentials).toEqual({ access_token: 'at2', refresh_token: 'rt1' });
  });

  it('never refreshes on its own when there is no expiry (refresh on 401 only)', async () => {
    const doc = await connection({ access_token: 'at1', refresh_token: 'rt1' });
    clock += 365 * 86_400_000;
    expect(await bearer(strategy(), await ctxFor(doc))).toBe('Bearer at1');
  });

  it('runs exactly one refresh for many concurrent requests, across strategy instances', async () => {
    const doc = await connection({ access_token: 'at1', refresh_token: 'rt1', expires_at: clock - 1 });
    nock(TOKEN_HOST)
      .post('/oauth/token', refreshBody('rt1'))
      .delay(50)
      .once()
      .reply(200, { access_token: 'at2', refresh_token: 'rt2', expires_in: 3600 });
    // Separate factories stand for separate processes: only the store's lease and the re-read keep them to one refresh.
    const results = await Promise.all(Array.from({ length: 20 }, async () => bearer(strategy(), await ctxFor(doc))));
    expect(new Set(results)).toEqual(new Set(['Bearer at2']));
  });

  it("after a 401, a second caller holding the same rejected token reuses the first caller's refresh", async () => {
    const doc = await connection({ access_token: 'at1', refresh_token: 'rt1' });
    nock(TOKEN_HOST).post('/oauth/token').once().reply(200, { access_token: 'at2', refresh_token: 'rt2' });
    const [a, b] = [await ctxFor(doc), await ctxFor(doc)];
    await strategy().refresh!(a);
    await strategy().refresh!(b);
    expect(b.credentials.access_token).toBe('at2');
  });

  it('marks the integration needs_reauth on invalid_grant, without leaking a token', async () => {
    const doc = await connection({ access_token: 'at1', refresh_token: 'rt-secret', expires_at: clock - 1 });
    nock(TOKEN_HOST).post('/oauth/token').reply(400, { error: 'invalid_grant', error_description: 'refresh token revoked' });
    const err = await bearer(strategy(), await ctxFor(doc)).catch((e: unknown) => e);
    expect(isHubError(err) && err.code).toBe('HUB_ERR_CRM_AUTH');
    expect(isHubError(err) && err.retryable).toBe(false);
    expect(String((err as Error).message)).toMatch(/invalid_grant/);
    expect(JSON.stringify(err) + String((err as Error).message)).not.toMatch(/rt-secret|csecret/);
    const after = await integrations.byId(doc._id);
    expect(after).toMatchObject({ status: 'needs_reauth', statusReason: expect.stringMatching(/invalid_grant/) });
  });

  it('treats a 5xx from the token endpoint as transient and leaves the integration connected', async () => {
    const doc = await connection({ access_token: 'at1', refresh_token: 'rt1', expires_at: clock - 1 });
    nock(TOKEN_HOST).post('/oauth/token').reply(503, { error: 'temporarily_unavailable' });
    const err = await bearer(strategy(), await ctxFor(doc)).catch((e: unknown) => e);
    expect(isHubError(err) && err.code).toBe('HUB_ERR_CRM_TRANSIENT');
    expect((await integrations.byId(doc._id))!.status).toBe('connected');
  });
});
