import { expect } from 'vitest';
import type { Api, TestHub } from './hub.js';

/** The public URL test hubs announce: the callback is reached through it as through a reverse proxy. */
export const PUBLIC_URL = 'https://hub.example.test';

/** Environment for a hub whose connector talks to a simulator, with the simulator's OAuth app. */
export function oauthEnv(
  id: string,
  endpoints: { baseUrl?: string; authorizeUrl: string; tokenUrl: string },
  app: { clientId: string; clientSecret: string },
  extra: Record<string, string> = {},
): Record<string, string> {
  const key = id.toUpperCase().replace(/-/g, '_');
  return {
    HUB_PUBLIC_URL: PUBLIC_URL,
    HUB_CONNECTOR_OVERRIDES: JSON.stringify({ [id]: endpoints }),
    [`HUB_OAUTH_${key}_CLIENT_ID`]: app.clientId,
    [`HUB_OAUTH_${key}_CLIENT_SECRET`]: app.clientSecret,
    ...extra,
  };
}

/** Follows an authorize URL: the simulator consents and redirects to the hub's public callback, which is fetched on the test hub. */
export async function authorize(
  hub: TestHub,
  authorizeUrl: string,
): Promise<{ status: number; body: any; headers: Headers; callbackUrl: URL }> {
  const consent = await fetch(authorizeUrl, { redirect: 'manual' });
  expect(consent.status).toBe(302);
  const callbackUrl = new URL(consent.headers.get('location') ?? '');
  expect(callbackUrl.origin).toBe(PUBLIC_URL);
  const res = await fetch(`${hub.url}${callbackUrl.pathname}${callbackUrl.search}`, {
    redirect: 'manual',
    headers: { accept: 'application/json' },
  });
  const text = await res.text();
  return { status: res.status, body: text.startsWith('{') ? JSON.parse(text) : text, headers: res.headers, callbackUrl };
}

/** Connects an OAuth integration end to end: connect (pending + authorize_url) → consent → callback → connected. */
export async function connectOAuth(
  hub: TestHub,
  api: Api,
  agentId: string,
  body: Record<string, unknown>,
): Promise<{ id: string; authorizeUrl: URL }> {
  const res = await api('POST', `/api/agents/${agentId}/integrations/connect`, body);
  expect(res.status).toBe(201);
  expect(res.body).toMatchObject({ status: 'pending_authorization', authorize_url: expect.any(String), credentials_set: false });
  const done = await authorize(hub, res.body.authorize_url);
  expect(done.status).toBe(200);
  expect(done.body).toMatchObject({ status: 'connected', integration_id: res.body.id });
  return { id: res.body.id, authorizeUrl: new URL(res.body.authorize_url) };
}

/** Asserts that no OAuth secret reached the hub's log: client secret, or any access/refresh token the simulator issued. */
export function expectNoSecretsLogged(logs: string[], clientSecret: string): void {
  const text = logs.join('\n');
  expect(text.length).toBeGreaterThan(0);
  expect(text).not.toContain(clientSecret);
  expect(text).not.toMatch(/\b(at|rt)-[0-9a-f]{24}\b/);
  expect(text).not.toMatch(/code-[0-9a-f]{24}/);
}

export { callDone, sampleCall } from './fixtures.js';
