import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import { validateManifest } from '@hub/manifests';

/** A manifest that validates and shows every part an engineer fills in: auth, http, config, operations, mappings. */
export function starterManifest(id: string, schemaPath: string): Record<string, unknown> {
  const name = id
    .split('-')
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join(' ');
  return {
    $schema: schemaPath,
    id,
    name,
    version: '0.1.0',
    manifestVersion: 1,
    description: `${name}: find or create the caller, add the call as a note.`,
    capabilities: ['contacts', 'notes'],
    auth: { type: 'api_key', in: 'header', name: 'Authorization', prefix: 'Bearer ', field: 'api_key' },
    credentials: { api_key: { label: 'API key' } },
    http: { baseUrl: 'https://api.example.com/v1', rateLimit: { requests: 10, perMs: 1000 } },
    config: {
      type: 'object',
      additionalProperties: false,
      properties: { owner_id: { type: 'string', description: 'Owner of new records' } },
    },
    operations: {
      testConnection: { request: { method: 'GET', path: '/me' }, output: "{ 'ok': true }" },
      findContact: {
        request: { method: 'GET', path: '/contacts', query: "{ 'phone': call.customer_phone }" },
        output: "response.body.data[0].{ 'id': id }",
      },
      createContact: { request: { method: 'POST', path: '/contacts', body: 'input' }, output: "{ 'id': response.body.id }" },
      addNote: { request: { method: 'POST', path: '/contacts/{{contact.id}}/notes', body: 'input' }, output: "{ 'id': response.body.id }" },
    },
    mappings: {
      contact: "{ 'name': call.customer_name, 'phone': call.customer_phone, 'email': call.customer_email, 'owner': config.owner_id }",
      note: "{ 'text': $callNote(call) }",
    },
  };
}

const TEST = (id: string) => `import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { validateManifest } from '@hub/manifests';

describe('${id} manifest', () => {
  it('validates', async () => {
    const raw = JSON.parse(await readFile(new URL('../manifest.json', import.meta.url), 'utf8'));
    const result = validateManifest(raw);
    expect(result.ok ? [] : result.problems).toEqual([]);
  });
});
`;

/** Writes a new connector package; refuses a bad id or an existing folder. Returns the files written. */
export async function scaffold(id: string, dir: string, root: string): Promise<string[]> {
  if (!/^[a-z0-9-]+$/.test(id)) throw new Error(`connector id "${id}" must match ^[a-z0-9-]+$`);
  if (existsSync(dir)) throw new Error(`${dir} already exists`);
  const manifest = starterManifest(id, relative(dir, join(root, 'manifests', 'connector.schema.json')));
  const check = validateManifest(manifest);
  if (!check.ok) throw new Error(`the starter manifest does not validate: ${JSON.stringify(check.problems)}`);
  const pkg = {
    name: `@hub/connector-${id}`,
    version: '0.1.0',
    private: true,
    type: 'module',
    hub: { connector: './manifest.json' },
    devDependencies: { '@hub/manifests': 'workspace:*' },
  };
  await mkdir(join(dir, 'test'), { recursive: true });
  const files: Array<[string, string]> = [
    ['package.json', `${JSON.stringify(pkg, null, 2)}\n`],
    ['manifest.json', `${JSON.stringify(manifest, null, 2)}\n`],
    [join('test', `${id}.test.ts`), TEST(id)],
  ];
  for (const [file, text] of files) await writeFile(join(dir, file), text);
  return files.map(([file]) => join(dir, file));
}

/**
 * Adds a new package under the workspace's connectors/ to pnpm-lock.yaml (a workspace package missing
 * from the lockfile fails the README's `pnpm install --frozen-lockfile`). Its only dependency is a
 * workspace link, so this needs no registry; scripts are skipped, nothing else is rebuilt.
 */
export function addToLockfile(root: string, dir: string): { ok: boolean; output: string } {
  if (!resolve(dir).startsWith(`${resolve(root, 'connectors')}${sep}`))
    return { ok: true, output: 'outside the workspace: no lockfile to update' };
  // pnpm freezes the lockfile by default when CI is set; this install exists to update it.
  const res = spawnSync('pnpm', ['install', '--no-frozen-lockfile', '--prefer-offline', '--ignore-scripts'], {
    cwd: root,
    encoding: 'utf8',
  });
  return { ok: res.status === 0, output: `${res.stdout ?? ''}${res.stderr ?? ''}`.trim() };
}
