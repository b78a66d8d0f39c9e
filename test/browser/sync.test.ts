import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startGohighlevelSim, type GohighlevelSim } from '../../connectors/gohighlevel/sim/index.js';
import { sampleCall } from '../helpers/fixtures.js';
import { ensureConsoleBuilt, launchBrowser, newPage, shot, signIn, startConsoleHub, type ConsoleHub } from './harness.js';

let hub: ConsoleHub;
let ghl: GohighlevelSim;
let browser: Browser;
let integrationId: string;
const AGENT = 'agent_sync';

beforeAll(async () => {
  ensureConsoleBuilt();
  ghl = await startGohighlevelSim();
  hub = await startConsoleHub({ HUB_CONNECTOR_OVERRIDES: JSON.stringify({ gohighlevel: { baseUrl: ghl.url } }), HUB_MAX_ATTEMPTS: '2' });
  const res = await hub.api('POST', `/api/agents/${AGENT}/integrations/connect`, {
    type: 'gohighlevel',
    api_key: ghl.token,
    config: { location_id: ghl.locationId },
  });
  expect(res.status).toBe(201);
  integrationId = res.body.id;
  browser = await launchBrowser();
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await hub?.close();
  await ghl?.close();
});

const card = (page: Page, heading: string) =>
  page.locator('section.card, li.card').filter({ has: page.getByRole('heading', { name: heading, exact: true }) });

describe('mapping, activity and recovery in a browser', () => {
  it('edits a mapping: the dry run follows the typing, a parse error is placed, the CRM field list flags an unknown field, save', async () => {
    const { page, context, problems } = await newPage(browser);
    await signIn(page, hub, `/ui/#/agents/${AGENT}`);
    await page.getByRole('link', { name: 'Mapping of GoHighLevel' }).click();
    const dryRun = page.getByRole('region', { name: 'Dry run' });
    await dryRun.getByLabel('What the note step would send').waitFor();
    expect(await dryRun.getByLabel('What the note step would send').textContent()).not.toContain('Hello from the console');
    await page.getByRole('button', { name: 'Override the note mapping' }).click();
    const editor = page.getByRole('textbox', { name: 'note mapping override' });
    await editor.fill("{ 'body': 'Hello from the console: ' & call.customer_name, 'userId': config.user_id }");
    await dryRun.getByText('Hello from the console: Jane Smith').waitFor();
    // The exact request: method and URL on the placeholder contact the dry run's upsert made, the key never shown.
    const noteRequests = dryRun.getByLabel('What the note step would send');
    await noteRequests.getByText(`POST ${ghl.url}/contacts/100000001/notes`).waitFor();
    expect(await dryRun.textContent()).toContain('authorization: [redacted]');
    expect(await dryRun.textContent()).not.toContain(ghl.token);
    await editor.fill("{ 'body': 'broken' , }");
    await page.getByText(/Line 1, column \d+:/).waitFor();
    expect(await page.locator('.cm-jsonata-error').count()).toBeGreaterThan(0);
    await editor.fill("{ 'body': 'Hello from the console: ' & call.customer_name }");
    await page.getByRole('button', { name: 'Add a field mapping' }).click();
    await page.getByLabel('Call field 1').fill('call_outcome');
    await page.getByLabel('CRM field 1').fill('no_such_ghl_field');
    await page.getByText('Unknown in the CRM').waitFor();
    await page.getByLabel('CRM field 1').fill('callOutcome');
    await shot(page, 'mapping');
    await page.getByRole('button', { name: 'Save mapping' }).click();
    await page.getByText('Mapping saved.').waitFor();
    const saved = await hub.api('GET', `/api/agents/${AGENT}/integrations/${integrationId}`);
    expect(saved.body.mappings.note).toContain('Hello from the console');
    expect(saved.body.field_mappings).toEqual({ call_outcome: 'callOutcome' });
    expect(problems).toEqual([]);
    await context.close();
  });

  it('a posted call appears in the activity and its page shows every step with CRM ids', async () => {
    const { page, context, problems } = await newPage(browser);
    await signIn(page, hub, `/ui/#/agents/${AGENT}/activity`);
    await page.getByRole('heading', { name: 'Activity' }).waitFor();
    expect((await hub.api('POST', `/api/agents/${AGENT}/calls`, sampleCall('call_browser_1', { appointment_booked: null }))).status).toBe(
      202,
    );
    await page.getByRole('link', { name: 'call_browser_1' }).click({ timeout: 15_000 });
    const job = card(page, 'gohighlevel');
    await job.getByText('succeeded', { exact: true }).first().waitFor({ timeout: 15_000 });
    const steps = job.getByRole('list', { name: 'gohighlevel steps' });
    await steps.getByText('contact').waitFor();
    expect(await steps.textContent()).toMatch(/CRM ids: .*id/);
    await job.getByText(/Attempts and requests/).click();
    expect(
      await job
        .getByLabel(/Requests of contact/)
        .first()
        .textContent(),
    ).toContain('/contacts/upsert');
    await shot(page, 'call');
    await page.getByRole('link', { name: 'Activity' }).first().click();
    await page.getByRole('table', { name: 'Calls' }).waitFor();
    await shot(page, 'activity');
    expect(problems).toEqual([]);
    await context.close();
  });

  it("dry-runs the mapping over the agent's latest call", async () => {
    const { page, context, problems } = await newPage(browser);
    const posted = await hub.api('POST', `/api/agents/${AGENT}/calls`, sampleCall('call_latest', { customer_name: 'Latest Caller' }));
    expect(posted.status).toBe(202);
    await signIn(page, hub, `/ui/#/agents/${AGENT}/integrations/${integrationId}/mapping`);
    const dryRun = page.getByRole('region', { name: 'Dry run' });
    await dryRun.getByLabel('What the note step would send').waitFor();
    await dryRun.getByRole('button', { name: 'Preview over the latest call' }).click();
    await dryRun.getByText("Over the agent's latest call, call_latest.").waitFor();
    await dryRun.getByText('Hello from the console: Latest Caller').waitFor();
    await dryRun.getByRole('button', { name: 'Preview over a sample call' }).click();
    await dryRun.getByText('Hello from the console: Jane Smith').waitFor();
    expect(problems).toEqual([]);
    await context.close();
  });

  it('sync conditions preview which recent calls would sync, and save', async () => {
    const { page, context, problems } = await newPage(browser);
    await signIn(page, hub, `/ui/#/agents/${AGENT}/integrations/${integrationId}/conditions`);
    await page.getByText(/of the last \d+ calls would have synced/).waitFor();
    await page.getByLabel('Call outcomes').fill('qualified_lead');
    await page.getByText(/^0 of the last \d+ calls would have synced/).waitFor();
    await page.getByRole('textbox', { name: 'When (JSONata over call)' }).fill('call.duration_seconds >');
    await page.getByText(/Line 1, column \d+:/).waitFor();
    await page.getByRole('textbox', { name: 'When (JSONata over call)' }).fill('call.duration_seconds > 60');
    await page.getByLabel('Call outcomes').fill('appointment_booked');
    await page.getByText(/^[1-9]\d* of the last \d+ calls would have synced/).waitFor();
    await shot(page, 'conditions');
    await page.getByRole('button', { name: 'Save sync conditions' }).click();
    await page.getByText('Sync conditions saved.').waitFor();
    expect((await hub.api('GET', `/api/agents/${AGENT}/integrations/${integrationId}`)).body.sync_conditions).toEqual({
      call_outcome: ['appointment_booked'],
      when: 'call.duration_seconds > 60',
    });
    await page.getByRole('link', { name: 'Stats' }).click();
    await page.getByRole('img', { name: /Syncs per day/ }).waitFor();
    await shot(page, 'stats');
    expect(problems).toEqual([]);
    await context.close();
  });

  it('a CRM failing shows the error; once it is fixed, Retry makes the sync succeed', async () => {
    ghl.inject({
      method: 'POST',
      path: '/contacts/upsert',
      status: 422,
      body: { statusCode: 422, message: ['locationId is suspended'] },
      times: Infinity,
    });
    const { page, context, problems } = await newPage(browser);
    await signIn(page, hub);
    expect(
      (
        await hub.api(
          'POST',
          `/api/agents/${AGENT}/calls`,
          sampleCall('call_browser_fail', { appointment_booked: null, customer_phone: '+14155550142', customer_email: 'fail@example.com' }),
        )
      ).status,
    ).toBe(202);
    await page.goto(`${hub.url}/ui/#/agents/${AGENT}/calls/call_browser_fail`);
    const job = card(page, 'gohighlevel');
    await job.getByRole('button', { name: 'Retry the gohighlevel sync' }).waitFor({ timeout: 20_000 });
    await job
      .getByText(/suspended/)
      .first()
      .waitFor();
    await shot(page, 'call-failed');
    // Health at a glance on the agent's page: failing, the last error in words, last success, syncs and success rate.
    await page.goto(`${hub.url}/ui/#/agents/${AGENT}`);
    const health = card(page, 'GoHighLevel');
    await health
      .getByText(/suspended/)
      .first()
      .waitFor();
    await health.getByText(/syncs in 24 h/).waitFor();
    await shot(page, 'integrations-health');
    await page.goto(`${hub.url}/ui/#/agents/${AGENT}/calls/call_browser_fail`);
    ghl.faults.clear();
    await job.getByRole('button', { name: 'Retry the gohighlevel sync' }).click();
    await job.getByText('succeeded', { exact: true }).first().waitFor({ timeout: 15_000 });
    expect(await job.getByRole('button', { name: 'Retry the gohighlevel sync' }).count()).toBe(0);
    expect(problems).toEqual([]);
    await context.close();
  });

  it('every page at 375 px: no horizontal overflow, every control named, Tab reaches the controls', async () => {
    const { page, context } = await newPage(browser, 375);
    await signIn(page, hub);
    const pages: Array<[string, string]> = [
      ['agents', '#/'],
      ['integrations', `#/agents/${AGENT}`],
      ['mapping', `#/agents/${AGENT}/integrations/${integrationId}/mapping`],
      ['conditions', `#/agents/${AGENT}/integrations/${integrationId}/conditions`],
      ['activity', `#/agents/${AGENT}/activity`],
      ['call', `#/agents/${AGENT}/calls/call_browser_1`],
      ['outbound', `#/agents/${AGENT}/outbound`],
      ['stats', `#/agents/${AGENT}/stats`],
    ];
    for (const [name, hash] of pages) {
      await page.goto(`${hub.url}/ui/${hash}`);
      await page.reload();
      await page
        .getByRole('heading', { level: 1 })
        .waitFor()
        .catch(async (err: Error) => {
          await shot(page, `failed-${name}`);
          throw new Error(`${name}: ${err.message}`);
        });
      await page.waitForLoadState('networkidle');
      const report = await page.evaluate(() => {
        const controls = [...document.querySelectorAll<HTMLElement>('input, select, textarea, button, a[href], [role="textbox"]')].filter(
          (el) => el.offsetParent !== null,
        );
        const named = (el: HTMLElement) =>
          Boolean(
            el.getAttribute('aria-label') ||
            el.getAttribute('aria-labelledby') ||
            (el as HTMLInputElement).labels?.length ||
            el.textContent?.trim() ||
            el.getAttribute('title'),
          );
        return {
          overflow: document.documentElement.scrollWidth - document.documentElement.clientWidth,
          unnamed: controls.filter((el) => !named(el)).map((el) => el.outerHTML.slice(0, 120)),
          // An editable region (the code editor) is in the Tab order although its tabIndex property reads -1.
          unreachable: controls.filter((el) => el.tabIndex < 0 && !el.isContentEditable).map((el) => el.outerHTML.slice(0, 120)),
          count: controls.length,
        };
      });
      await shot(page, `${name}-375`);
      expect(report.overflow, name).toBeLessThanOrEqual(0);
      expect(report.unnamed, name).toEqual([]);
      expect(report.unreachable, name).toEqual([]);
      // Tab from the top reaches as many distinct controls as there are (up to 15 presses).
      await page.locator('body').focus();
      const reached = new Set<string>();
      // Date-time inputs take several presses (one per segment), so allow more presses than controls.
      for (let i = 0; i < 40 && reached.size < Math.min(15, report.count); i++) {
        await page.keyboard.press('Tab');
        reached.add(
          await page.evaluate(() =>
            document.activeElement
              ? `${document.activeElement.tagName}:${document.activeElement.textContent?.slice(0, 30)}:${[...document.querySelectorAll('*')].indexOf(document.activeElement)}`
              : 'none',
          ),
        );
      }
      expect(reached.size, name).toBe(Math.min(15, report.count));
    }
    await context.close();
  });
});
