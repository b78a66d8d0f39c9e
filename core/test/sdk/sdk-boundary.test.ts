import { readFile, readdir } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const coreDir = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const repoRoot = resolve(coreDir, '..');

/** Every core source file the module reaches through relative imports (type-only imports included). */
async function reachable(entry: string, seen = new Set<string>()): Promise<Set<string>> {
  if (seen.has(entry)) return seen;
  seen.add(entry);
  const text = await readFile(entry, 'utf8');
  for (const [, spec] of text.matchAll(/from '(\.[^']+)'/g)) {
    await reachable(resolve(dirname(entry), spec!.replace(/\.js$/, '.ts')), seen);
  }
  return seen;
}

describe('the connector SDK boundary', () => {
  it('core/src/sdk.ts reaches no store, queue, service or server code', async () => {
    const files = [...(await reachable(join(coreDir, 'src/sdk.ts')))].map((f) => f.slice(coreDir.length + 1));
    expect(files).toContain('src/errors/hub-error.ts');
    expect(files.filter((f) => /^src\/(store|queue|hub|outbound|registry)\//.test(f))).toEqual([]);
  });

  it('core depends on no database driver', async () => {
    const pkg = JSON.parse(await readFile(join(coreDir, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    expect(Object.keys(pkg.dependencies)).not.toContain('mongodb');
    expect(Object.keys(pkg.dependencies)).not.toContain('mingo');
  });

  it("connector source imports @hub/core only through '@hub/core/sdk'", async () => {
    const offenders: string[] = [];
    for (const connector of await readdir(join(repoRoot, 'connectors'))) {
      const src = join(repoRoot, 'connectors', connector, 'src');
      const files = await readdir(src).catch(() => [] as string[]);
      for (const file of files.filter((f) => f.endsWith('.ts'))) {
        const text = await readFile(join(src, file), 'utf8');
        if (/from '@hub\/core'/.test(text)) offenders.push(`connectors/${connector}/src/${file}`);
      }
    }
    expect(offenders).toEqual([]);
  });
});
