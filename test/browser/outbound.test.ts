import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { startGohighlevelSim, type GohighlevelSim } from '../../connectors/gohighlevel/sim/index.js';
import { startRetellSim, type RetellSim } from '../../connectors/retell/sim/index.js';
import { ensureConsoleBuilt, launchBrowser, newPage, shot, signIn, startConsoleHub, type ConsoleHub } from './harness.js';

let hub: ConsoleHub;
let ghl: GohighlevelSim;
let retell: RetellSim;
let browser: Browser;
const AGENT = 'agent_outbound';

beforeAll(async () => {
  ensureConsoleBuilt();
  [ghl, retell] = await Promise.all([startGohighlevelSim(), startRetellSim({ webhookRetryDelayMs: 10 })]);
  hub = await startConsoleHub({
    HUB_CONNECTOR_OVERRIDES: JSON.stringify({ gohighlevel: { baseUrl: ghl.url }, retell: { baseUrl: retell.url } }),
  });
  expect(
    (
      await hub.api('POST', `/api/agents/${AGENT}/integrations/connect`, {
        type: 'gohighlevel',
        api_key: ghl.token,
        config: { location_id: ghl.locationId },
      })
    ).status,
  ).toBe(201);
  expect(
    (
      await hub.api('POST', `/api/agents/${AGENT}/integrations/connect`, {
        type: 'retell',
        api_key: retell.apiKey,
        config: { from_number: '+14155550000', agent_id: 'agent_sim_1' },
      })
    ).status,
  ).toBe(201);
  browser = await launchBrowser();
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await hub?.close();
  await Promise.all([ghl?.close(), retell?.close()]);
});

describe('outbound from the console', () => {
  it('creates a trigger webhook whose secrets are shown once, follows an outbound call, makes a voice webhook URL', async () => {
    const { page, context, problems } = await newPage(browser);
    await context.grantPermissions(['clipboard-read', 'clipboard-write']);
    await signIn(page, hub, `/ui/#/agents/${AGENT}/outbound`);
    await page.getByLabel('Webhook name (optional)').fill('GHL follow-ups');
    await page.getByLabel('Write results back to').selectOption({ label: 'GoHighLevel (gohighlevel)' });
    await page.getByRole('button', { name: 'Create trigger webhook' }).click();
    const dialog = page.getByRole('dialog', { name: 'Trigger webhook created' });
    const secret = await dialog.getByLabel('Secret (X-Webhook-Secret header)', { exact: true }).inputValue();
    const url = await dialog.getByLabel('URL', { exact: true }).inputValue();
    expect(secret).toMatch(/^whsec_/);
    expect(await dialog.getByLabel('GoHighLevel workflow body', { exact: true }).inputValue()).toContain('{{contact.phone}}');
    await dialog.getByRole('button', { name: 'Copy Secret (X-Webhook-Secret header)' }).click();
    await dialog.getByText('Copied', { exact: true }).waitFor();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(secret);
    await shot(page, 'outbound-created');
    await dialog.getByRole('button', { name: 'I have copied them' }).click();
    await page.getByText(/GHL follow-ups/).waitFor();
    expect(await page.content()).not.toContain(secret);

    const trigger = await fetch(url.replace(/^https?:\/\/[^/]+/, hub.url), {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-webhook-secret': secret },
      body: JSON.stringify({ phone: '+14079780655', name: 'John Doe' }),
    });
    expect(trigger.status).toBe(202);
    const { outbound_call_id: callId } = (await trigger.json()) as { outbound_call_id: string };
    // The list shows the new call with its states (after a refresh: it was loaded before the trigger).
    await page.getByRole('button', { name: 'Refresh' }).click();
    const listed = page.getByRole('list', { name: 'Outbound calls of this agent' });
    await listed.getByRole('list', { name: `States of ${callId}` }).waitFor();
    await page.getByLabel('Show calls in state').selectOption('failed');
    await page.getByText('No outbound calls in state failed yet.').waitFor();
    await page.getByLabel('Show calls in state').selectOption('');
    await listed.getByText(callId).waitFor();
    await page.getByLabel('Outbound call id').fill(callId);
    await page.getByRole('button', { name: 'Look up' }).click();
    await page.getByRole('list', { name: `States of ${callId}` }).waitFor();

    await page.getByLabel('Voice integration', { exact: true }).selectOption({ label: 'Retell AI (retell)' });
    await page.getByRole('button', { name: 'Make a voice webhook URL' }).click();
    const hookUrl = page.getByLabel('Voice webhook URL (retell)', { exact: true });
    await hookUrl.waitFor();
    expect(await hookUrl.inputValue()).toMatch(/\/webhooks\/retell\/vh_/);
    await shot(page, 'outbound');
    expect(problems).toEqual([]);
    await context.close();
  });
});
