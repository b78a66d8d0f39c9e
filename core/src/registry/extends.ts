/**
 * Manifests that build on another one. `"extends": "<path>"` (relative to the manifest file) makes
 * the rest of the file a JSON Merge Patch (RFC 7386) over that manifest: objects merge key by key,
 * arrays and scalars replace, `null` removes a key. Two connectors of one CRM that differ only in
 * auth (an API token and OAuth, say) then share operations, mappings and hooks instead of copies.
 */
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';

/** How many manifests may be stacked; more is a mistake, not a design. */
const MAX_DEPTH = 4;

type Obj = Record<string, unknown>;

function isObject(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Applies a JSON Merge Patch (RFC 7386) to a value; neither argument is changed. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return structuredClone(patch);
  const out: Obj = isObject(target) ? structuredClone(target) : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete out[key];
    else out[key] = mergePatch(out[key], value);
  }
  return out;
}

/** Reads a manifest file as JSON, resolving `extends` (recursively, cycles refused). */
export async function readManifestFile(file: string, chain: string[] = []): Promise<unknown> {
  if (chain.includes(file)) throw new Error(`"extends" makes a cycle: ${[...chain, file].join(' → ')}`);
  if (chain.length >= MAX_DEPTH) throw new Error(`"extends" goes deeper than ${MAX_DEPTH} manifests: ${chain.join(' → ')}`);
  const raw: unknown = JSON.parse(await readFile(file, 'utf8'));
  if (!isObject(raw) || !('extends' in raw)) return raw;
  const { extends: base, ...patch } = raw;
  if (typeof base !== 'string' || !base) throw new Error('"extends" must be the relative path of another manifest file');
  const parent = resolve(dirname(file), base);
  let baseManifest: unknown;
  try {
    baseManifest = await readManifestFile(parent, [...chain, file]);
  } catch (err) {
    throw new Error(`its base ${base}: ${(err as Error).message}`);
  }
  return mergePatch(baseManifest, patch);
}
