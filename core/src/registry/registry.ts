import { readdir, readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { validateManifest, type ManifestProblem } from '@hub/manifests';
import type { Connector, Hook } from '../engine/types.js';
import { applyOverrides, type ConnectorOverrides } from './overrides.js';
import { readManifestFile } from './extends.js';

/** The `hub` key of a connector package's package.json. */
interface PackageMeta {
  connector: string;
  hooks?: string;
}

/** A manifest problem with the file it is in. */
export interface LoadProblem extends ManifestProblem {
  file: string;
}

/** Thrown when any connector fails to load; lists every problem with file and JSON path. */
export class RegistryError extends Error {
  readonly code = 'HUB_ERR_MANIFEST';
  constructor(readonly problems: LoadProblem[]) {
    super(`invalid connectors:\n${problems.map((p) => `  ${p.file}: ${p.path} ${p.message}`).join('\n')}`);
    this.name = 'RegistryError';
  }
}

/** The connectors this hub can use, by id. Frozen after load. */
export class Registry {
  private readonly byAlias: ReadonlyMap<string, Connector>;

  private constructor(private readonly byId: ReadonlyMap<string, Connector>) {
    this.byAlias = new Map([...byId.values()].flatMap((c) => (c.manifest.aliases ?? []).map((a) => [a, c] as const)));
  }

  /** Discovers connector packages below the given folders, validates and freezes them. */
  static async load(opts: { dirs: string[]; overrides?: ConnectorOverrides }): Promise<Registry> {
    const problems: LoadProblem[] = [];
    const found = new Map<string, Connector>();
    for (const pkgDir of await discover(opts.dirs)) {
      const loaded = await loadPackage(pkgDir, problems);
      if (!loaded) continue;
      const dup = found.get(loaded.manifest.id);
      if (dup) {
        problems.push({
          file: join(pkgDir, 'manifest.json'),
          path: '/id',
          message: `"${loaded.manifest.id}" is also the id of ${dup.dir}`,
        });
        continue;
      }
      found.set(
        loaded.manifest.id,
        deepFreeze({ ...loaded, manifest: applyOverrides(loaded.manifest, opts.overrides?.[loaded.manifest.id]) }),
      );
    }
    problems.push(...aliasClashes(found));
    for (const id of Object.keys(opts.overrides ?? {})) {
      if (!found.has(id)) problems.push({ file: 'HUB_CONNECTOR_OVERRIDES', path: `/${id}`, message: 'names no known connector' });
    }
    if (problems.length) throw new RegistryError(problems);
    return new Registry(found);
  }

  /** Builds a registry from connectors already in memory (tests). */
  static of(connectors: Connector[]): Registry {
    return new Registry(new Map(connectors.map((c) => [c.manifest.id, deepFreeze(c)])));
  }

  /** The connector with this id, if any. */
  get(id: string): Connector | undefined {
    return this.byId.get(id);
  }

  /** The connector with this id or alias (URLs that name a connector, such as OAuth callbacks). */
  resolve(idOrAlias: string): Connector | undefined {
    return this.byId.get(idOrAlias) ?? this.byAlias.get(idOrAlias);
  }

  /** Every connector, sorted by id. */
  list(): Connector[] {
    return [...this.byId.values()].sort((a, b) => a.manifest.id.localeCompare(b.manifest.id));
  }
}

// An alias that is another connector's id or alias would make a callback URL ambiguous.
function aliasClashes(found: ReadonlyMap<string, Connector>): LoadProblem[] {
  const problems: LoadProblem[] = [];
  const owner = new Map<string, string>([...found.keys()].map((id) => [id, id]));
  for (const c of found.values()) {
    (c.manifest.aliases ?? []).forEach((alias, i) => {
      const taken = owner.get(alias);
      if (taken)
        problems.push({
          file: join(c.dir, 'manifest.json'),
          path: `/aliases/${i}`,
          message: `"${alias}" is already ${taken === alias ? 'the id' : 'an alias'} of ${taken}`,
        });
      else owner.set(alias, c.manifest.id);
    });
  }
  return problems;
}

/** Finds package folders whose package.json has `hub.connector`, below each of the given folders. */
export async function discover(dirs: string[]): Promise<string[]> {
  const out: string[] = [];
  for (const dir of dirs.map((d) => resolve(d))) {
    if (await readMeta(dir)) {
      out.push(dir);
      continue;
    }
    const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
    for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      if (e.isDirectory() && (await readMeta(join(dir, e.name)))) out.push(join(dir, e.name));
    }
  }
  return out;
}

async function readMeta(dir: string): Promise<PackageMeta | undefined> {
  try {
    const pkg = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8')) as { hub?: PackageMeta };
    return typeof pkg.hub?.connector === 'string' ? pkg.hub : undefined;
  } catch {
    return undefined;
  }
}

/** Loads one connector package: manifest validated, hooks imported and checked both ways. */
export async function loadPackage(dir: string, problems: LoadProblem[]): Promise<Connector | undefined> {
  const meta = (await readMeta(dir))!;
  const file = join(dir, meta.connector);
  let raw: unknown;
  try {
    raw = await readManifestFile(file);
  } catch (err) {
    problems.push({ file, path: '/', message: `cannot be read as JSON: ${(err as Error).message}` });
    return undefined;
  }
  const result = validateManifest(raw);
  if (!result.ok) {
    problems.push(...result.problems.map((p) => ({ ...p, file })));
    return undefined;
  }
  const hooks = await loadHooks(dir, meta, result.manifest.hooks ?? [], file, problems);
  return hooks ? { manifest: result.manifest, hooks, dir } : undefined;
}

async function loadHooks(
  dir: string,
  meta: PackageMeta,
  names: string[],
  file: string,
  problems: LoadProblem[],
): Promise<Record<string, Hook> | undefined> {
  if (names.length === 0) return {};
  if (!meta.hooks) {
    problems.push({ file, path: '/hooks', message: 'names hooks but package.json has no hub.hooks module' });
    return undefined;
  }
  const modulePath = join(dir, meta.hooks);
  if (!(await stat(modulePath).catch(() => undefined))) {
    problems.push({ file, path: '/hooks', message: `hook module ${meta.hooks} does not exist` });
    return undefined;
  }
  let mod: Record<string, unknown>;
  try {
    mod = (await import(pathToFileURL(modulePath).href)) as Record<string, unknown>;
  } catch (err) {
    // A module that throws while loading would otherwise stop the whole hub with a bare stack trace.
    problems.push({ file: modulePath, path: '/', message: `the hooks module throws on import: ${(err as Error).message ?? String(err)}` });
    return undefined;
  }
  const hooks: Record<string, Hook> = {};
  names.forEach((name, i) => {
    if (typeof mod[name] === 'function') hooks[name] = mod[name] as Hook;
    else problems.push({ file, path: `/hooks/${i}`, message: `"${name}" is not a function exported by ${meta.hooks}` });
  });
  return Object.keys(hooks).length === names.length ? hooks : undefined;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) if (typeof v !== 'function') deepFreeze(v);
  }
  return value;
}
