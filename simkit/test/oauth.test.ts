import { afterEach, describe, expect, it } from 'vitest';
import { type OAuthServer, type Simulator, oauthServer, startSimulator } from '../src/index.js';
import { pkcePair, postForm } from './helpers.js';

const client = { clientId: 'cid', clientSecret: 'secret', redirectUris: ['https://hub.test/cb'] };
let sim: Simulator;
let oauth: OAuthServer;
afterEach(async () => sim?.close());

async function start(extra: Partial<Parameters<typeof oauthServer>[1]> = {}): Promise<void> {
  sim = await startSimulator({
    setup: (s) => {
      oauth = oauthServer(s, {
        authorizePath: '/oauth/authorize',
        tokenPath: '/oauth/token',
        clients: [client],
        expiresIn: 1800,
        rotateRefreshTokens: true,
        ...extra,
      });
      s.app.get('/api/me', async (req) => ({ client: s.checkBearer(req).clientId }));
    },
  });
}

async function authorize(query: Record<string, string>): Promise<URL> {
  const res = await fetch(`${sim.url}/oauth/authorize?${new URLSearchParams(query)}`, { redirect: 'manual' });
  expect(res.status).toBe(302);
  return new URL(res.headers.get('location') ?? '');
}

const base = { response_type: 'code', client_id: 'cid', redirect_uri: 'https://hub.test/cb', scope: 'crm', state: 'st-1' };
const token = (form: Record<string, string>, headers?: Record<string, string>) => postForm(`${sim.url}/oauth/token`, form, headers);

describe('oauthServer', () => {
  it('runs the code flow with PKCE, single-use codes and bearer checks', async () => {
    await start();
    const { verifier, challenge } = pkcePair();
    const back = await authorize({ ...base, code_challenge: challenge, code_challenge_method: 'S256' });
    expect(back.searchParams.get('state')).toBe('st-1');
    const code = back.searchParams.get('code') ?? '';
    expect(oauth.challenges).toEqual([{ challenge, method: 'S256' }]);
    const form = { grant_type: 'authorization_code', code, redirect_uri: base.redirect_uri, client_id: 'cid', client_secret: 'secret' };
    expect((await token({ ...form, code_verifier: 'wrong' })).json.error).toBe('invalid_grant');
    // The failed attempt used the code up, like real servers do.
    const { verifier: v2, challenge: c2 } = pkcePair();
    const code2 = (await authorize({ ...base, code_challenge: c2, code_challenge_method: 'S256' })).searchParams.get('code') ?? '';
    const ok = await token({ ...form, code: code2, code_verifier: v2 });
    expect(ok.status).toBe(200);
    expect(ok.json).toMatchObject({ token_type: 'bearer', expires_in: 1800, scope: 'crm' });
    expect((await token({ ...form, code: code2, code_verifier: v2 })).json.error).toBe('invalid_grant');
    expect(verifier).not.toBe(v2);
    const me = await fetch(`${sim.url}/api/me`, { headers: { authorization: `Bearer ${ok.json.access_token}` } });
    expect(await me.json()).toEqual({ client: 'cid' });
    expect((await fetch(`${sim.url}/api/me`)).status).toBe(401);
  });

  it('validates the authorize request', async () => {
    await start();
    const res = await fetch(`${sim.url}/oauth/authorize?${new URLSearchParams({ ...base, redirect_uri: 'https://evil.test/cb' })}`, {
      redirect: 'manual',
    });
    expect(res.status).toBe(400);
    const noScope = await fetch(`${sim.url}/oauth/authorize?${new URLSearchParams({ ...base, scope: '' })}`, { redirect: 'manual' });
    expect(noScope.status).toBe(400);
  });

  it('rotates refresh tokens, counts refreshes, expires tokens and fails the next refresh on demand', async () => {
    await start();
    const first = oauth.issue('cid', 'crm');
    sim.tokens.expireAll();
    expect((await fetch(`${sim.url}/api/me`, { headers: { authorization: `Bearer ${first.access_token}` } })).status).toBe(401);
    const r1 = await token({
      grant_type: 'refresh_token',
      refresh_token: String(first.refresh_token),
      client_id: 'cid',
      client_secret: 'secret',
    });
    expect(r1.status).toBe(200);
    expect(r1.json.refresh_token).not.toBe(first.refresh_token);
    expect(oauth.refreshCount).toBe(1);
    const reuse = await token({
      grant_type: 'refresh_token',
      refresh_token: String(first.refresh_token),
      client_id: 'cid',
      client_secret: 'secret',
    });
    expect(reuse.json.error).toBe('invalid_grant');
    await fetch(`${sim.url}/__sim/oauth/fail-next-refresh`, { method: 'POST' });
    const failed = await token({
      grant_type: 'refresh_token',
      refresh_token: String(r1.json.refresh_token),
      client_id: 'cid',
      client_secret: 'secret',
    });
    expect(failed).toMatchObject({ status: 400, json: { error: 'invalid_grant' } });
    expect((await fetch(`${sim.url}/api/me`, { headers: { authorization: `Bearer ${r1.json.access_token}` } })).status).toBe(200);
  });

  it('accepts client credentials only where configured, and omits expires_in when asked', async () => {
    await start({
      clientAuth: ['basic'],
      expiresIn: undefined,
      rotateRefreshTokens: false,
      extraFields: () => ({ instance_url: 'http://x' }),
    });
    const t = oauth.issue();
    const form = { grant_type: 'refresh_token', refresh_token: String(t.refresh_token) };
    expect((await token({ ...form, client_id: 'cid', client_secret: 'secret' })).status).toBe(401);
    const basic = `Basic ${Buffer.from('cid:secret').toString('base64')}`;
    const ok = await token(form, { authorization: basic });
    expect(ok.status).toBe(200);
    expect(ok.json.expires_in).toBeUndefined();
    expect(ok.json.instance_url).toBe('http://x');
    // Without rotation the refresh answer carries no new refresh token.
    expect(ok.json.refresh_token).toBeUndefined();
  });
});
