import { mkdtemp, mkdir, writeFile, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Registry, RegistryError } from '../../src/registry/registry.js';

const zapier = JSON.parse(await readFile(new URL('../../../connectors/zapier/manifest.json', import.meta.url), 'utf8'));

async function pkg(
  root: string,
  name: string,
  manifest: unknown,
  hub: Record<string, string> = { connector: './manifest.json' },
  hooks?: string,
): Promise<string> {
  const dir = join(root, name);
  await mkdir(join(dir, 'src'), { recursive: true });
  await writeFile(join(dir, 'package.json'), JSON.stringify({ name: `@x/${name}`, hub }));
  await writeFile(join(dir, 'manifest.json'), typeof manifest === 'string' ? manifest : JSON.stringify(manifest));
  if (hooks) await writeFile(join(dir, 'src/hooks.ts'), hooks);
  return dir;
}

async function loadError(root: string, overrides?: Record<string, unknown>): Promise<RegistryError> {
  const err = await Registry.load({ dirs: [root], overrides: overrides as never }).catch((e) => e);
  expect(err).toBeInstanceOf(RegistryError);
  return err as RegistryError;
}

describe('Registry', () => {
  it('discovers packages by their package.json hub metadata and freezes the manifests', async () => {
    const root = await mkdtemp(join(tmpdir(), 'reg-'));
    await pkg(root, 'zap', zapier);
    await mkdir(join(root, 'not-a-connector'));
    await writeFile(join(root, 'not-a-connector/package.json'), '{"name":"x"}');
    const reg = await Registry.load({ dirs: [root] });
    expect(reg.list().map((c) => c.manifest.id)).toEqual(['zapier']);
    expect(Object.isFrozen(reg.get('zapier')!.manifest.http)).toBe(true);
  });

  it('refuses to load, naming the file and JSON path of every problem in every package', async () => {
    const root = await mkdtemp(join(tmpdir(), 'reg-'));
    await pkg(root, 'a', { ...zapier, id: 'a', capabilities: ['nope'] });
    await pkg(root, 'b', '{ not json');
    const err = await loadError(root);
    expect(err.message).toMatch(/a[/\\]manifest\.json: \/capabilities\/0/);
    expect(err.message).toMatch(/b[/\\]manifest\.json: \/ cannot be read as JSON/);
  });

  it('checks named hooks exist in the hooks module', async () => {
    const root = await mkdtemp(join(tmpdir(), 'reg-'));
    const m = { ...zapier, id: 'hooked', hooks: ['send', 'missing'], operations: { sendEvent: { hook: 'send' } } };
    await pkg(
      root,
      'hooked',
      m,
      { connector: './manifest.json', hooks: './src/hooks.ts' },
      'export async function send() { return { ok: true }; }\n',
    );
    const err = await loadError(root);
    expect(err.problems).toEqual([
      expect.objectContaining({ path: '/hooks/1', message: expect.stringContaining('"missing" is not a function') }),
    ]);
  });

  it('names the hooks module that throws on import instead of stopping with a stack trace', async () => {
    const root = await mkdtemp(join(tmpdir(), 'reg-'));
    const m = { ...zapier, id: 'throws', hooks: ['send'], operations: { sendEvent: { hook: 'send' } } };
    await pkg(
      root,
      'throws',
      m,
      { connector: './manifest.json', hooks: './src/hooks.ts' },
      "throw new Error('HUBSPOT_TOKEN is not set');\nexport async function send() {}\n",
    );
    const err = await loadError(root);
    expect(err.problems).toEqual([
      expect.objectContaining({
        file: join(root, 'throws', 'src/hooks.ts'),
        path: '/',
        message: 'the hooks module throws on import: HUBSPOT_TOKEN is not set',
      }),
    ]);
  });

  it('compiles each manifest config schema at load, naming the file', async () => {
    const root = await mkdtemp(join(tmpdir(), 'reg-'));
    await pkg(root, 'badcfg', { ...zapier, id: 'badcfg', config: { type: 'object', properties: { n: { type: 'integr' } } } });
    const err = await loadError(root);
    expect(err.message).toMatch(/badcfg[/\\]manifest\.json: \/config is not a valid JSON Schema/);
  });

  it('loads hooks that exist', async () => {
    const root = await mkdtemp(join(tmpdir(), 'reg-'));
    const m = { ...zapier, id: 'hooked', hooks: ['send'], operations: { sendEvent: { hook: 'send' } } };
    await pkg(
      root,
      'hooked',
      m,
      { connector: './manifest.json', hooks: './src/hooks.ts' },
      'export async function send() { return { ok: true }; }\n',
    );
    const reg = await Registry.load({ dirs: [root] });
    expect(typeof reg.get('hooked')!.hooks.send).toBe('function');
  });

  it('rejects duplicate ids and overrides for unknown connectors', async () => {
    const root = await mkdtemp(join(tmpdir(), 'reg-'));
    await pkg(root, 'one', zapier);
    await pkg(root, 'two', zapier);
    const err = await loadError(root, { hubspot: { baseUrl: 'http://127.0.0.1:1' } });
    expect(err.message).toContain('"zapier" is also the id of');
    expect(err.message).toContain('HUB_CONNECTOR_OVERRIDES: /hubspot names no known connector');
  });

  it("resolves aliases, and refuses an alias that is another connector's id or alias", async () => {
    const root = await mkdtemp(join(tmpdir(), 'reg-'));
    await pkg(root, 'zap', { ...zapier, aliases: ['zap'] });
    const reg = await Registry.load({ dirs: [root] });
    expect(reg.resolve('zap')?.manifest.id).toBe('zapier');
    expect(reg.get('zap')).toBeUndefined();
    await pkg(root, 'other', { ...zapier, id: 'other', aliases: ['zapier', 'zap'] });
    const err = await loadError(root);
    // Packages load in folder order, so "other" claims "zap" first.
    expect(err.problems.map((p) => `${p.path} ${p.message}`).sort()).toEqual([
      '/aliases/0 "zap" is already an alias of other',
      '/aliases/0 "zapier" is already the id of zapier',
    ]);
  });

  it('applies endpoint overrides', async () => {
    const root = await mkdtemp(join(tmpdir(), 'reg-'));
    await pkg(root, 'zap', zapier);
    const reg = await Registry.load({ dirs: [root], overrides: { zapier: { baseUrl: 'http://127.0.0.1:9101/' } } });
    expect(reg.get('zapier')!.manifest.http.baseUrl).toBe('http://127.0.0.1:9101');
  });

  it('applies a rate limit override and keeps the rest of the manifest', async () => {
    const root = await mkdtemp(join(tmpdir(), 'reg-'));
    await pkg(root, 'zap', zapier);
    const reg = await Registry.load({ dirs: [root], overrides: { zapier: { rateLimit: { requests: 1000, perMs: 1000 } } } });
    expect(reg.get('zapier')!.manifest.http.rateLimit).toMatchObject({ requests: 1000, perMs: 1000 });
    expect(reg.get('zapier')!.manifest.http.baseUrl).toBe(zapier.http.baseUrl);
  });

  it('loads every connector of this repository', async () => {
    const reg = await Registry.load({ dirs: [new URL('../../../connectors', import.meta.url).pathname] });
    expect(reg.list().length).toBeGreaterThanOrEqual(1);
  });
});
