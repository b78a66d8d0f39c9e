import { mkdtemp, mkdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mergePatch } from '../../src/registry/extends.js';
import { Registry, RegistryError } from '../../src/registry/registry.js';

const zapier = JSON.parse(await readFile(new URL('../../../connectors/zapier/manifest.json', import.meta.url), 'utf8'));

async function pkg(root: string, name: string, manifest: unknown): Promise<void> {
  await mkdir(join(root, name), { recursive: true });
  await writeFile(join(root, name, 'package.json'), JSON.stringify({ name: `@x/${name}`, hub: { connector: './manifest.json' } }));
  await writeFile(join(root, name, 'manifest.json'), JSON.stringify(manifest));
}

describe('manifests that extend another', () => {
  it('merge as RFC 7386 patches: objects merge, arrays and scalars replace, null removes', () => {
    const base = { a: { b: 1, c: [1, 2] }, d: 'x', e: { f: 1 } };
    expect(mergePatch(base, { a: { c: [3] }, d: null, e: { g: 2 } })).toEqual({ a: { b: 1, c: [3] }, e: { f: 1, g: 2 } });
    expect(base).toEqual({ a: { b: 1, c: [1, 2] }, d: 'x', e: { f: 1 } });
  });

  it('load as the base with the patch applied, each under its own id', async () => {
    const root = await mkdtemp(join(tmpdir(), 'reg-ext-'));
    await pkg(root, 'base', zapier);
    await pkg(root, 'child', {
      extends: '../base/manifest.json',
      id: 'zapier-two',
      name: 'Zapier two',
      http: { timeoutMs: 5000 },
      credentials: null,
    });
    const reg = await Registry.load({ dirs: [root] });
    const child = reg.get('zapier-two')!.manifest;
    expect(child).toMatchObject({ name: 'Zapier two', operations: zapier.operations, http: { ...zapier.http, timeoutMs: 5000 } });
    expect(child).not.toHaveProperty('credentials');
    expect(child).not.toHaveProperty('extends');
    expect(reg.get('zapier')!.manifest.http.timeoutMs).toBe(zapier.http.timeoutMs);
  });

  it('refuse a cycle or a missing base, naming the file', async () => {
    const root = await mkdtemp(join(tmpdir(), 'reg-ext-'));
    await pkg(root, 'a', { extends: '../b/manifest.json', id: 'a' });
    await pkg(root, 'b', { extends: '../a/manifest.json', id: 'b' });
    await pkg(root, 'c', { extends: '../nowhere/manifest.json', id: 'c' });
    const err = (await Registry.load({ dirs: [root] }).catch((e) => e)) as RegistryError;
    expect(err).toBeInstanceOf(RegistryError);
    expect(err.message).toMatch(/a[/\\]manifest\.json: \/ .*cycle/);
    expect(err.message).toMatch(/c[/\\]manifest\.json: \/ .*nowhere/);
  });
});
