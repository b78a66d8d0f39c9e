import AjvModule, { type ErrorObject } from 'ajv';
import addFormatsModule from 'ajv-formats';
import jsonata from 'jsonata';
import { ManifestSchema, type Manifest } from './schema.js';
import { listExpressions } from './expressions.js';
import { migrateManifest } from './migrate.js';

// ajv and ajv-formats are CommonJS; under NodeNext their default export sits on `.default`.
const Ajv = AjvModule.default;
const addFormats = addFormatsModule.default;

/** One problem found in a manifest, located by JSON path. */
export interface ManifestProblem {
  path: string;
  message: string;
}

/** The outcome of validating a manifest. */
export type ManifestResult = { ok: true; manifest: Manifest } | { ok: false; problems: ManifestProblem[] };

const ajv = new Ajv({ allErrors: true, strict: false, useDefaults: true });
addFormats(ajv);
const checkSchema = ajv.compile<Manifest>(ManifestSchema);
const authBranches = new Map(
  (ManifestSchema.properties.auth.anyOf as Array<{ properties: { type: { const: string } } }>).map((branch) => [
    branch.properties.type.const,
    ajv.compile(branch),
  ]),
);

function describe(e: ErrorObject, prefix = ''): ManifestProblem {
  const path = prefix + (e.instancePath || '');
  if (e.keyword === 'additionalProperties') {
    return { path: `${path}/${String(e.params.additionalProperty)}`, message: 'is not a known property' };
  }
  if (e.keyword === 'required') return { path: `${path}/${String(e.params.missingProperty)}`, message: 'is required' };
  return { path: path || '/', message: e.message ?? 'is invalid' };
}

// A union reports every branch's errors; a manifest author wants the errors of the branch they chose.
function authProblems(auth: unknown): ManifestProblem[] {
  const type = typeof auth === 'object' && auth !== null ? (auth as { type?: unknown }).type : undefined;
  const branch = typeof type === 'string' ? authBranches.get(type) : undefined;
  if (!branch) return [{ path: '/auth/type', message: `must be one of ${[...authBranches.keys()].join(', ')}` }];
  branch(auth);
  return (branch.errors ?? []).map((e) => describe(e, '/auth'));
}

function crossChecks(m: Manifest): ManifestProblem[] {
  const problems: ManifestProblem[] = [];
  const hooks = new Set(m.hooks ?? []);
  for (const [name, op] of Object.entries(m.operations)) {
    if (!op) continue;
    for (const [at, spec] of [[`/operations/${name}`, op], [`/operations/${name}/recover`, op.recover]] as const) {
      if (!spec) continue;
      if (!spec.request && !spec.hook) problems.push({ path: at, message: 'needs a request or a hook' });
      if (spec.request && !spec.request.path && !spec.request.url) problems.push({ path: `${at}/request`, message: 'needs path or url' });
      if (spec.hook && !hooks.has(spec.hook)) problems.push({ path: `${at}/hook`, message: `names hook "${spec.hook}", which is not listed in /hooks` });
    }
  }
  for (const { path, expr } of listExpressions(m)) {
    try {
      jsonata(expr);
    } catch (err) {
      const e = err as { message?: string; position?: number };
      problems.push({ path, message: `JSONata does not compile: ${e.message ?? String(err)} (at ${e.position ?? '?'}) in "${expr}"` });
    }
  }
  return problems;
}

/** Validates raw JSON as a connector manifest: schema, auth branch, cross-references and every JSONata expression. */
export function validateManifest(raw: unknown): ManifestResult {
  const migrated = migrateManifest(raw);
  if (!migrated.ok) return migrated;
  const candidate = structuredClone(migrated.value);
  if (checkSchema(candidate)) {
    const problems = crossChecks(candidate);
    return problems.length ? { ok: false, problems } : { ok: true, manifest: candidate };
  }
  const errors = checkSchema.errors ?? [];
  const problems = errors.filter((e) => !e.instancePath.startsWith('/auth')).map((e) => describe(e));
  if (errors.some((e) => e.instancePath.startsWith('/auth'))) {
    problems.push(...authProblems((candidate as { auth?: unknown }).auth));
  }
  return { ok: false, problems: dedupe(problems) };
}

function dedupe(problems: ManifestProblem[]): ManifestProblem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = `${p.path} ${p.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
