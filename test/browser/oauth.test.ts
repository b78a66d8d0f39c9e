import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { startHubspotSim, type HubspotSim } from '@hub/connector-hubspot/sim';
import { ensureConsoleBuilt, launchBrowser, newPage, shot, signIn, startConsoleHub, type ConsoleHub } from './harness.js';

let hub: ConsoleHub;
let sim: HubspotSim;
let browser: Browser;
const AGENT = 'agent_oauth';

beforeAll(async () => {
  ensureConsoleBuilt();
  sim = await startHubspotSim();
  hub = await startConsoleHub({
    HUB_CONNECTOR_OVERRIDES: JSON.stringify({
      hubspot: { baseUrl: sim.url, authorizeUrl: `${sim.url}/oauth/authorize`, tokenUrl: `${sim.url}/oauth/v1/token` },
    }),
    HUB_OAUTH_HUBSPOT_CLIENT_ID: 'hubspot-client',
    HUB_OAUTH_HUBSPOT_CLIENT_SECRET: 'hubspot-secret',
  });
  browser = await launchBrowser();
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await hub?.close();
  await sim?.close();
});

describe('OAuth from the console', () => {
  it('connects HubSpot through its consent page and comes back to the agent, connected', async () => {
    const { page, context, problems } = await newPage(browser);
    await signIn(page, hub, `/ui/#/agents/${AGENT}`);
    await page.getByRole('button', { name: 'Connect a CRM' }).click();
    const dialog = page.getByRole('dialog', { name: 'Connect a CRM' });
    await dialog.getByLabel('CRM').selectOption('hubspot');
    await dialog.getByRole('button', { name: 'Continue to HubSpot' }).click();
    // The simulator consents at once and redirects to the hub's callback, which sends the browser back to the console.
    await page.waitForURL(`${hub.url}/ui/#/agents/${AGENT}?connected=*`, { timeout: 15_000 });
    await page.getByRole('status').filter({ hasText: 'HubSpot is connected.' }).waitFor();
    const card = page.getByRole('listitem').filter({ has: page.getByRole('heading', { name: 'HubSpot' }) });
    await card.getByText('Connected', { exact: true }).waitFor();
    await shot(page, 'oauth-connected');
    const list = await hub.api('GET', `/api/agents/${AGENT}/integrations`);
    expect(list.body.integrations).toMatchObject([{ type: 'hubspot', status: 'connected' }]);
    expect(problems).toEqual([]);
    await context.close();
  });

  it('a network failure shows a banner with a retry; a key that stops working returns to sign-in with a message', async () => {
    const { page, context } = await newPage(browser);
    await signIn(page, hub, `/ui/#/agents/${AGENT}`);
    await page.getByRole('heading', { name: 'HubSpot' }).waitFor();
    await page.route('**/api/**', (route) => route.abort('connectionrefused'));
    await page.getByRole('link', { name: 'Stats' }).click();
    const banner = page.getByRole('alert').filter({ hasText: 'could not be reached' });
    await banner.waitFor();
    await shot(page, 'network-banner');
    await page.unroute('**/api/**');
    await banner.getByRole('button', { name: 'Retry' }).click();
    await page.getByRole('table', { name: 'Totals per integration type' }).waitFor();
    expect(await banner.count()).toBe(0);
    await page.evaluate(() => sessionStorage.setItem('hub.apiKey', 'hub_sk_revoked'));
    await page.reload();
    await page.getByText(/Your API key was refused/).waitFor();
    await page.getByLabel('API key').waitFor();
    await context.close();
  });
});
