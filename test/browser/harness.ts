import { existsSync, statSync, readdirSync } from 'node:fs';
import { mkdtemp, mkdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { loadSettings } from '../../server/src/settings.js';
import { createHub, createLogger, type RunningHub } from '../../server/src/runtime.js';
import { extensions } from '../../server/src/extensions.js';
import { ROOT, apiClient, freePort, testEnv, type Api } from '../helpers/hub.js';

/** Debian's chromium; the tests never download a browser. */
export const CHROMIUM = '/usr/bin/chromium';
/** Screenshots land here (ignored by git; CI keeps them as artifacts). */
export const ARTIFACTS = join(ROOT, 'test/browser/artifacts');
const WEB = join(ROOT, 'web');

/** Builds the console when web/dist is missing or older than its sources, as `pnpm install` would. */
export function ensureConsoleBuilt(): void {
  const built = join(WEB, 'dist/index.html');
  const newest = (dir: string): number =>
    readdirSync(dir, { withFileTypes: true }).reduce(
      (m, e) => Math.max(m, e.isDirectory() ? newest(join(dir, e.name)) : statSync(join(dir, e.name)).mtimeMs),
      0,
    );
  if (existsSync(built) && statSync(built).mtimeMs >= Math.max(newest(join(WEB, 'src')), statSync(join(WEB, 'index.html')).mtimeMs)) return;
  // vitest sets NODE_ENV=test, which would make Vite bundle React's development build.
  const res = spawnSync('pnpm', ['--filter', '@hub/web', 'build'], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, NODE_ENV: 'production' },
  });
  if (res.status !== 0) throw new Error(`console build failed:\n${res.stdout}\n${res.stderr}`);
}

/** A hub listening on a port chosen up front, so its public URL (OAuth redirects) is itself. */
export interface ConsoleHub {
  url: string;
  running: RunningHub;
  apiKey: string;
  api: Api;
  close(): Promise<void>;
}

/** Starts the real server (app, engine, worker) with the given environment on 127.0.0.1. */
export async function startConsoleHub(env: Record<string, string>): Promise<ConsoleHub> {
  const dataDir = await mkdtemp(join(tmpdir(), 'hub-browser-'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const settings = loadSettings(testEnv(dataDir, { PORT: String(port), HUB_PUBLIC_URL: url, ...env }));
  const running = await createHub(settings, extensions(settings), createLogger('silent'));
  await running.app.listen({ port, host: '127.0.0.1' });
  const tenant = await running.hub.repos.tenants.create('Browser tenant');
  return {
    url,
    running,
    apiKey: tenant.apiKey,
    api: apiClient(url, tenant.apiKey),
    async close() {
      await running.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** Launches Debian's chromium headless with the flags CI needs. */
export async function launchBrowser(): Promise<Browser> {
  await mkdir(ARTIFACTS, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}

/** A page that records console errors and CSP refusals, so a test can assert there were none. */
export async function newPage(browser: Browser, width = 1280): Promise<{ context: BrowserContext; page: Page; problems: string[] }> {
  const context = await browser.newContext({ viewport: { width, height: 900 } });
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' && !/Failed to load resource: the server responded with a status of (4|5)\d\d/.test(m.text()))
      problems.push(m.text());
  });
  page.on('pageerror', (e) => problems.push(e.message));
  return { context, page, problems };
}

/** Saves a full-page screenshot under the artifacts folder. */
export async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
}

/** Signs in through the form. */
export async function signIn(page: Page, hub: ConsoleHub, path = '/'): Promise<void> {
  await page.goto(`${hub.url}${path}`);
  await page.getByLabel('API key').fill(hub.apiKey);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('navigation', { name: 'Main' }).waitFor();
}
